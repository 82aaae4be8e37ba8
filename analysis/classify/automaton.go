package classify

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// automaton is an Aho–Corasick automaton over runes. Every term of the rules
// file (category terms, pattern triggers, context, negation and sentiment
// words, punctuation that ends a sentence) is one of its keys, so a document
// is scanned once whatever the number of rules.
//
// Runes are first mapped to a dense alphabet (a 64 K table for the Basic
// Multilingual Plane, a map above it); a rune outside the alphabet sends the
// automaton back to the root without any lookup. The root has a dense
// transition table; other states keep their few edges sorted by symbol.
// It is written here rather than taken from a library because it is ~150
// lines, needs rune-level symbols and byte offsets, and stays read-only
// after construction, so it is safe for concurrent use without locks.
type automaton struct {
	bmp      []uint16        // rune → symbol for runes < 0x10000; 0 = none
	astral   map[rune]uint16 // rune → symbol above the BMP
	root     []int32         // symbol → state from the root
	states   []acState
	outs     []int32 // key ids, indexed by acState.out
	keyRunes []int32 // length of each key in symbols
}

type acState struct {
	edges     []acEdge // sorted by sym
	fail      int32
	out, nout int32 // outs[out:out+nout] are the keys ending here
}

type acEdge struct {
	sym  uint16
	next int32
}

// acHit is one key found in a text: key id and byte range.
type acHit struct {
	key        int32
	start, end int32
}

// buildAutomaton compiles keys; key i is reported as id i. Empty keys are
// never reported. Keys must not contain separators (see transparent) and
// must be at most maxKeyRunes characters long.
func buildAutomaton(keys []string) *automaton {
	a := &automaton{bmp: make([]uint16, 0x10000), astral: map[rune]uint16{}}
	nsym := uint16(0)
	symOf := func(r rune) uint16 {
		if r < 0x10000 {
			if a.bmp[r] == 0 {
				nsym++
				a.bmp[r] = nsym
			}
			return a.bmp[r]
		}
		if a.astral[r] == 0 {
			nsym++
			a.astral[r] = nsym
		}
		return a.astral[r]
	}
	// Trie.
	a.states = []acState{{}}
	own := [][]int32{nil}
	for id, k := range keys {
		a.keyRunes = append(a.keyRunes, int32(utf8.RuneCountInString(k)))
		if k == "" {
			continue
		}
		s := int32(0)
		for _, r := range k {
			sym := symOf(r)
			next, ok := a.child(s, sym)
			if !ok {
				next = int32(len(a.states))
				a.states = append(a.states, acState{})
				own = append(own, nil)
				st := &a.states[s]
				i, _ := slices.BinarySearchFunc(st.edges, sym, func(e acEdge, t uint16) int { return int(e.sym) - int(t) })
				st.edges = slices.Insert(st.edges, i, acEdge{sym, next})
			}
			s = next
		}
		own[s] = append(own[s], int32(id))
	}
	a.root = make([]int32, int(nsym)+1)
	for _, e := range a.states[0].edges {
		a.root[e.sym] = e.next
	}
	// Failure links, breadth first; outputs are flattened (own keys then
	// the fail state's) so matching never walks dictionary links.
	order := make([]int32, 0, len(a.states))
	for _, e := range a.states[0].edges {
		order = append(order, e.next)
	}
	outs := make([][]int32, len(a.states))
	for i := 0; i < len(order); i++ {
		s := order[i]
		outs[s] = append(slices.Clone(own[s]), outs[a.states[s].fail]...)
		for _, e := range a.states[s].edges {
			a.states[e.next].fail = a.step(a.states[s].fail, e.sym)
			order = append(order, e.next)
		}
	}
	for s := range a.states {
		a.states[s].out = int32(len(a.outs))
		a.states[s].nout = int32(len(outs[s]))
		a.outs = append(a.outs, outs[s]...)
	}
	return a
}

func (a *automaton) child(s int32, sym uint16) (int32, bool) {
	e := a.states[s].edges
	i, ok := slices.BinarySearchFunc(e, sym, func(e acEdge, t uint16) int { return int(e.sym) - int(t) })
	if !ok {
		return 0, false
	}
	return e[i].next, true
}

// step is the goto function with failure links.
func (a *automaton) step(s int32, sym uint16) int32 {
	for s != 0 {
		if next, ok := a.child(s, sym); ok {
			return next
		}
		s = a.states[s].fail
	}
	return a.root[sym]
}

func (a *automaton) sym(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return a.bmp[r]
	}
	return a.astral[r]
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
		sym := a.sym(r)
		if sym == 0 {
			s = 0
			continue
		}
		s = a.step(s, sym)
		st := &a.states[s]
		for _, k := range a.outs[st.out : st.out+st.nout] {
			start := starts[(n-a.keyRunes[k])%maxKeyRunes]
			hits = append(hits, acHit{key: k, start: start, end: int32(i)})
		}
	}
	return hits
}
