package classify

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAutomatonMatchesBruteForce compares the automaton with strings.Index
// on random keys and texts over a small alphabet, where overlaps, shared
// prefixes and keys inside keys are common.
func TestAutomatonMatchesBruteForce(t *testing.T) {
	alphabet := []rune("火灾爆炸ab退订😀")
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(max int) string {
		n := 1 + rng.IntN(max)
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for round := range 200 {
		keys := make([]string, 1+rng.IntN(20))
		for i := range keys {
			keys[i] = word(4)
		}
		a := buildAutomaton(keys)
		text := word(60)
		got := a.scan(text, nil)
		var want []acHit
		for id, k := range keys {
			for i := 0; i <= len(text)-len(k); i++ {
				if strings.HasPrefix(text[i:], k) {
					want = append(want, acHit{int32(id), int32(i), int32(i + len(k))})
				}
			}
		}
		order := func(a, b acHit) int {
			if a.end != b.end {
				return int(a.end - b.end)
			}
			if a.start != b.start {
				return int(a.start - b.start)
			}
			return int(a.key - b.key)
		}
		slices.SortFunc(got, order)
		slices.SortFunc(want, order)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: keys %q text %q\ngot  %v\nwant %v", round, keys, text, got, want)
		}
	}
}

func TestAutomatonEmptyAndUnknown(t *testing.T) {
	a := buildAutomaton([]string{"", "火灾"})
	if hits := a.scan("", nil); len(hits) != 0 {
		t.Errorf("empty text: %v", hits)
	}
	if hits := a.scan("xyz\xff火灾", nil); len(hits) != 1 || hits[0].key != 1 || hits[0].start != 4 {
		t.Errorf("hits %v, want key 1 at 4", hits)
	}
}
