package ahocorasick

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// match is one key found in a text: key id and byte range.
type match struct{ id, start, end int }

// scan is the scan loop of the package doc, reporting byte ranges.
func scan(a *Automaton, text string) []match {
	var out []match
	var starts []int // byte offset of each rune read
	s := int32(0)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		starts = append(starts, i)
		i += size
		sym := a.Symbol(r)
		if sym == 0 {
			s = 0
			continue
		}
		s = a.Step(s, sym)
		for _, id := range a.Outputs(s) {
			out = append(out, match{int(id), starts[len(starts)-int(a.KeyRunes(id))], i})
		}
	}
	return out
}

// naive finds every occurrence of every non-empty key with strings.HasPrefix
// at every byte offset (for valid UTF-8, a byte match is a rune match).
func naive(keys []string, text string) []match {
	var out []match
	for id, k := range keys {
		if k == "" {
			continue
		}
		for i := 0; i+len(k) <= len(text); i++ {
			if strings.HasPrefix(text[i:], k) {
				out = append(out, match{id, i, i + len(k)})
			}
		}
	}
	return out
}

func sortMatches(m []match) {
	slices.SortFunc(m, func(a, b match) int {
		if a.end != b.end {
			return a.end - b.end
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.id - b.id
	})
}

// TestMatchesNaive compares Build and stepping with a naive search on random
// keys and texts over a small alphabet (ASCII, CJK and astral runes), so
// overlaps, shared prefixes, keys inside keys, keys that are suffixes of
// others, duplicate and empty keys are all common. Texts also hold runes
// that no key has.
func TestMatchesNaive(t *testing.T) {
	keyRunes := []rune("ab火灾爆炸𠀀😀")
	textRunes := append(slices.Clone(keyRunes), []rune("x炎𠀁")...)
	rng := rand.New(rand.NewPCG(3, 5))
	word := func(alphabet []rune, max int) string {
		r := make([]rune, rng.IntN(max+1))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for round := range 2000 {
		keys := make([]string, rng.IntN(25))
		for i := range keys {
			switch {
			case i > 0 && rng.IntN(4) == 0: // a suffix of an earlier key
				k := []rune(keys[rng.IntN(i)])
				keys[i] = string(k[rng.IntN(len(k)+1):])
			case i > 0 && rng.IntN(10) == 0: // a duplicate
				keys[i] = keys[rng.IntN(i)]
			default:
				keys[i] = word(keyRunes, 5)
			}
		}
		a := Build(keys)
		for range 5 {
			text := word(textRunes, 80)
			if rng.IntN(3) == 0 && len(keys) > 0 { // make hits likely
				text += keys[rng.IntN(len(keys))] + word(textRunes, 3) + keys[rng.IntN(len(keys))]
			}
			got, want := scan(a, text), naive(keys, text)
			sortMatches(got)
			sortMatches(want)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d: keys %q text %q\ngot  %v\nwant %v", round, keys, text, got, want)
			}
		}
	}
}

// TestOutputsLongestFirst checks the order Outputs documents: the keys of a
// state longest first, then in id order.
func TestOutputsLongestFirst(t *testing.T) {
	a := Build([]string{"灾", "火灾", "大火灾", "火灾"})
	s := int32(0)
	for _, r := range "大火灾" {
		s = a.Step(s, a.Symbol(r))
	}
	if got, want := a.Outputs(s), []int32{2, 1, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("Outputs = %v, want %v", got, want)
	}
}

// TestOutsideAlphabetResets checks that a rune no key has is symbol 0 and
// sends the automaton back to the root, so no match spans it.
func TestOutsideAlphabetResets(t *testing.T) {
	for _, keys := range [][]string{
		{"火灾", "灾害"},
		{"火灾", "灾害", "𠀀𠀀"}, // with an astral alphabet
	} {
		a := Build(keys)
		for _, r := range []rune{'x', '炎', '𠀁', 0, utf8.RuneError, -1, utf8.MaxRune, utf8.MaxRune + 1} {
			if sym := a.Symbol(r); sym != 0 {
				t.Errorf("keys %q: Symbol(%q) = %d, want 0", keys, r, sym)
			}
		}
		s := a.Step(0, a.Symbol('火'))
		if s == 0 {
			t.Fatalf("keys %q: 火 does not leave the root", keys)
		}
		if got := a.Step(s, 0); got != 0 {
			t.Errorf("keys %q: Step(s, 0) = %d, want the root", keys, got)
		}
		if got := a.Outputs(0); len(got) != 0 {
			t.Errorf("keys %q: root outputs %v", keys, got)
		}
		if got := scan(a, "火x灾 火炎灾害"); !slices.Equal(got, []match{{1, 14, 20}}) {
			t.Errorf("keys %q: got %v, want only 灾害", keys, got)
		}
	}
}

// TestEmptyKeys checks that empty keys and an empty key set report nothing,
// and that ids still count them.
func TestEmptyKeys(t *testing.T) {
	if got := scan(Build(nil), "火灾"); len(got) != 0 {
		t.Errorf("no keys: %v", got)
	}
	a := Build([]string{"", "火灾", ""})
	if got := scan(a, ""); len(got) != 0 {
		t.Errorf("empty text: %v", got)
	}
	if got := scan(a, "a火灾"); !slices.Equal(got, []match{{1, 1, 7}}) {
		t.Errorf("got %v, want key 1 at 1", got)
	}
	if a.KeyRunes(0) != 0 || a.KeyRunes(1) != 2 || a.KeyRunes(2) != 0 {
		t.Errorf("KeyRunes = %d %d %d", a.KeyRunes(0), a.KeyRunes(1), a.KeyRunes(2))
	}
}

// TestConcurrentScans runs scans of one automaton from several goroutines
// (go test -race checks that Build left nothing to write).
func TestConcurrentScans(t *testing.T) {
	keys := []string{"火灾", "灾", "爆炸", "𠀀b", "ab"}
	a := Build(keys)
	text := strings.Repeat("火灾爆炸x𠀀bab", 20)
	want := scan(a, text)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := scan(a, text); !slices.Equal(got, want) {
				t.Errorf("concurrent scan differs")
			}
		})
	}
	wg.Wait()
}
