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

func TestDecodeCursorChecksTheVersion(t *testing.T) {
	type cur struct {
		V    int  `json:"v"`
		Seen Seen `json:"seen"`
	}
	fresh := cur{V: 2}
	if c, err := DecodeCursor(nil, 2, fresh); err != nil || c.V != 2 {
		t.Errorf("empty: %+v %v", c, err)
	}
	if c, err := DecodeCursor([]byte(`{"v":2,"seen":["a"]}`), 2, fresh); err != nil || !slices.Equal(c.Seen, Seen{"a"}) {
		t.Errorf("v2: %+v %v", c, err)
	}
	if _, err := DecodeCursor([]byte(`{"v":1}`), 2, fresh); err == nil {
		t.Error("an old version was read")
	}
	if _, err := DecodeCursor([]byte(`{`), 2, fresh); err == nil {
		t.Error("broken JSON was read")
	}
}
