package classify

import (
	"strings"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/internal/ahocorasick"
)

// automaton is the Aho–Corasick automaton (internal/ahocorasick) over the
// rules file: every term (category terms, pattern triggers, context,
// negation and sentiment words, punctuation that ends a sentence) is one
// of its keys, so a document is scanned once whatever the number of rules.
// This package adds its scan, which reads through separators (see
// transparent) and reports byte ranges. It is read-only after
// construction, so it is safe for concurrent use without locks.
type automaton struct{ *ahocorasick.Automaton }

// acHit is one key found in a text: key id and byte range.
type acHit struct {
	key        int32
	start, end int32
}

// buildAutomaton compiles keys; key i is reported as id i. Empty keys are
// never reported. Keys must not contain separators (see transparent) and
// must be at most maxKeyRunes characters long.
func buildAutomaton(keys []string) *automaton {
	return &automaton{ahocorasick.Build(keys)}
}

// maxKeyRunes is the longest key the automaton reports correctly.
const maxKeyRunes = 64

// transparent reports whether r is a separator that spammers put between
// the characters of a word to dodge keyword filters (贷.款, 别^墅, 上 好 的
// 茶 叶). The automaton reads through it: a key matches across it, and the
// hit's offsets still cover the text as written.
func transparent(r rune) bool {
	switch r {
	case ' ', '.', '^', '*', '|', '_', '`', '\'', '"', '/', '\\', '-', '+', '=', '#', '$', '%', '&', '@',
		'·', '•', '●', '★', '☆', '♥', '❤', '♡', '※', '丶':
		return true
	}
	return false
}

// stripTransparent removes separators from a key.
func stripTransparent(k string) string {
	if !strings.ContainsFunc(k, transparent) {
		return k
	}
	return strings.Map(func(r rune) rune {
		if transparent(r) {
			return -1
		}
		return r
	}, k)
}

// scan appends every occurrence of every key in text to hits, in order of
// end offset, and returns the extended slice.
func (a *automaton) scan(text string, hits []acHit) []acHit {
	ac := a.Automaton
	var starts [maxKeyRunes]int32 // byte offsets of the last symbols read
	n := int32(0)
	s := int32(0)
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if transparent(r) {
			i += size
			continue
		}
		starts[n%maxKeyRunes] = int32(i)
		n++
		i += size
		sym := ac.Symbol(r)
		if sym == 0 {
			s = 0
			continue
		}
		s = ac.Step(s, sym)
		for _, k := range ac.Outputs(s) {
			start := starts[(n-ac.KeyRunes(k))%maxKeyRunes]
			hits = append(hits, acHit{key: k, start: start, end: int32(i)})
		}
	}
	return hits
}
