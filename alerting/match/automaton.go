package match

import (
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/internal/ahocorasick"
)

// automaton is the Aho–Corasick automaton (internal/ahocorasick) holding
// every literal of every rule of a Set, so a field is scanned once
// whatever the number of rules. This package adds its scan: rune ranges,
// and the byte offset of every rune of the field.
type automaton struct{ *ahocorasick.Automaton }

// buildAutomaton compiles keys; key i is reported as id i. Keys must be
// non-empty (an empty one is never reported).
func buildAutomaton(keys []string) *automaton {
	return &automaton{ahocorasick.Build(keys)}
}

// hit is one key found in a field: key id and rune range.
type hit struct {
	key    int32
	field  uint8
	rs, re int32
}

// scan appends every occurrence of every key in text to hits and the byte
// offset of each rune of text (and len(text)) to starts.
func (a *automaton) scan(text string, field uint8, hits []hit, starts []int32) ([]hit, []int32) {
	ac := a.Automaton
	s, n := int32(0), int32(0)
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		starts = append(starts, int32(i))
		i += size
		n++
		sym := ac.Symbol(r)
		if sym == 0 {
			s = 0
			continue
		}
		s = ac.Step(s, sym)
		for _, k := range ac.Outputs(s) {
			hits = append(hits, hit{key: k, field: field, rs: n - ac.KeyRunes(k), re: n})
		}
	}
	return hits, append(starts, int32(len(text)))
}
