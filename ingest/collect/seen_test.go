package collect

import (
	"slices"
	"testing"
)

func TestSeenKeepsWhatIsStillListed(t *testing.T) {
	s := Seen{"a", "b", "c"}
	// limit 3: "a" and "b" are gone from the feed, "c" is still listed
	got := s.Add([]string{"d", "e"}, map[string]bool{"c": true, "d": true, "e": true}, 3)
	if !slices.Equal(got, Seen{"c", "d", "e"}) {
		t.Errorf("got %v", got)
	}
	// everything still listed: the oldest go
	got = Seen{"a", "b"}.Add([]string{"c"}, map[string]bool{"a": true, "b": true, "c": true}, 2)
	if !slices.Equal(got, Seen{"b", "c"}) {
		t.Errorf("got %v", got)
	}
	if !s.Set()["b"] || s.Set()["z"] {
		t.Error("Set")
	}
	if got := s.Add(nil, nil, 10); !slices.Equal(got, s) {
		t.Errorf("under the limit: %v", got)
	}
}
