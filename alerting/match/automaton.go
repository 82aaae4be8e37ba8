package match

import (
	"slices"
	"unicode/utf8"
)

// automaton is an Aho–Corasick automaton over runes holding every literal
// of every rule of a Set, so a field is scanned once whatever the number
// of rules. It follows analysis/classify's: runes map to a dense alphabet
// (a table for the Basic Multilingual Plane, a map above it), a rune
// outside the alphabet sends the automaton back to the root, the root has
// a dense transition table and other states their few edges sorted by
// symbol. Outputs are flattened per state, so matching never walks
// dictionary links. It is read-only after construction.
type automaton struct {
	bmp      []int32        // rune → symbol for runes < 0x10000; 0 = none
	astral   map[rune]int32 // rune → symbol above the BMP
	root     []int32        // symbol → state from the root
	states   []acState
	outs     []int32 // key ids, indexed by acState.out
	keyRunes []int32 // length of each key in runes
	nsym     int32
}

type acState struct {
	edges     []acEdge // sorted by sym
	fail      int32
	out, nout int32 // outs[out:out+nout] are the keys ending here
}

type acEdge struct{ sym, next int32 }

func cmpEdge(e acEdge, sym int32) int { return int(e.sym - sym) }

// buildAutomaton compiles keys; key i is reported as id i. Keys must be
// non-empty.
func buildAutomaton(keys []string) *automaton {
	a := &automaton{bmp: make([]int32, 0x10000), astral: map[rune]int32{}}
	a.states = []acState{{}}
	own := [][]int32{nil}
	for id, k := range keys {
		a.keyRunes = append(a.keyRunes, int32(utf8.RuneCountInString(k)))
		s := int32(0)
		for _, r := range k {
			sym := a.symbol(r)
			next, ok := a.child(s, sym)
			if !ok {
				next = int32(len(a.states))
				a.states = append(a.states, acState{})
				own = append(own, nil)
				st := &a.states[s]
				i, _ := slices.BinarySearchFunc(st.edges, sym, cmpEdge)
				st.edges = slices.Insert(st.edges, i, acEdge{sym, next})
			}
			s = next
		}
		own[s] = append(own[s], int32(id))
	}
	a.root = make([]int32, a.nsym+1)
	for _, e := range a.states[0].edges {
		a.root[e.sym] = e.next
	}
	a.links(own)
	a.compact()
	return a
}

// compact moves all edges into one array, in state order, so a scan
// touches fewer cache lines.
func (a *automaton) compact() {
	n := 0
	for s := range a.states {
		n += len(a.states[s].edges)
	}
	all := make([]acEdge, 0, n)
	for s := range a.states {
		st := &a.states[s]
		i := len(all)
		all = append(all, st.edges...)
		st.edges = all[i:len(all):len(all)]
	}
}

// symbol returns r's symbol, adding it to the alphabet.
func (a *automaton) symbol(r rune) int32 {
	if r >= 0 && r < 0x10000 {
		if a.bmp[r] == 0 {
			a.nsym++
			a.bmp[r] = a.nsym
		}
		return a.bmp[r]
	}
	if a.astral[r] == 0 {
		a.nsym++
		a.astral[r] = a.nsym
	}
	return a.astral[r]
}

// links computes failure links breadth first and flattens outputs.
func (a *automaton) links(own [][]int32) {
	order := make([]int32, 0, len(a.states))
	for _, e := range a.states[0].edges {
		order = append(order, e.next)
	}
	outs := make([][]int32, len(a.states))
	outs[0] = own[0]
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
}

// child is the edge of s labelled sym. It is the inner loop of scan, so
// it searches by hand: linearly through a few edges, else by bisection.
func (a *automaton) child(s, sym int32) (int32, bool) {
	e := a.states[s].edges
	if len(e) <= 8 {
		for _, x := range e {
			if x.sym >= sym {
				return x.next, x.sym == sym
			}
		}
		return 0, false
	}
	lo, hi := 0, len(e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e[m].sym < sym {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(e) && e[lo].sym == sym {
		return e[lo].next, true
	}
	return 0, false
}

// step is the goto function with failure links.
func (a *automaton) step(s, sym int32) int32 {
	for s != 0 {
		if next, ok := a.child(s, sym); ok {
			return next
		}
		s = a.states[s].fail
	}
	return a.root[sym]
}

func (a *automaton) sym(r rune) int32 {
	if r >= 0 && r < 0x10000 {
		return a.bmp[r]
	}
	if len(a.astral) == 0 {
		return 0
	}
	return a.astral[r]
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
	s, n := int32(0), int32(0)
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		starts = append(starts, int32(i))
		i += size
		n++
		sym := a.sym(r)
		if sym == 0 {
			s = 0
			continue
		}
		s = a.step(s, sym)
		st := &a.states[s]
		for _, k := range a.outs[st.out : st.out+st.nout] {
			hits = append(hits, hit{key: k, field: field, rs: n - a.keyRunes[k], re: n})
		}
	}
	return hits, append(starts, int32(len(text)))
}
