package ahocorasick

import (
	"slices"
	"unicode/utf8"
)

// Automaton is an Aho–Corasick automaton over runes.
//
// Runes are first mapped to a dense alphabet of symbols 1..n, n being the
// number of distinct runes in the keys (a 64 K table for the Basic
// Multilingual Plane, a map above it); symbol 0 is every other rune, which
// no key contains. The root has a dense transition table; every other
// state keeps its few edges, sorted by symbol, in one array shared by all
// states, so a scan touches few cache lines. Outputs are flattened per
// state (the keys ending there and those of its failure chain), so a scan
// never walks dictionary links.
//
// States are int32s; 0 is the root. An Automaton is never modified after
// Build returns: all its methods are safe for concurrent use.
type Automaton struct {
	bmp      *[0x10000]int32 // rune → symbol for runes < 0x10000; 0 = none
	astral   map[rune]int32  // rune → symbol above the BMP
	root     []int32         // symbol → state from the root (0: stay)
	states   []state
	edges    []edge  // every state's edges, state by state
	outs     []int32 // key ids, indexed by state.out
	keyRunes []int32 // length of each key in runes
}

type state struct {
	edge, nedge int32 // edges[edge:edge+nedge] are its edges, sorted by sym
	fail        int32
	out, nout   int32 // outs[out:out+nout] are the keys ending here
}

// edge is a transition of the trie. next is never 0: the root is no one's
// child.
type edge struct{ sym, next int32 }

func cmpEdge(e edge, sym int32) int { return int(e.sym - sym) }

// Build compiles keys into an automaton. Key i is reported as id i.
// Duplicate keys are each reported under their own id; empty keys are
// never reported. Keys are read rune by rune as range over a string reads
// them (an invalid byte is utf8.RuneError).
func Build(keys []string) *Automaton {
	a := &Automaton{
		bmp:      new([0x10000]int32),
		astral:   map[rune]int32{},
		keyRunes: make([]int32, len(keys)),
	}
	nsym := int32(0)
	symbol := func(r rune) int32 {
		if uint32(r) < 0x10000 {
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

	// The trie, each state's edges in a slice of their own while it grows.
	trie := [][]edge{nil}
	own := [][]int32{nil} // keys ending at each state
	for id, k := range keys {
		a.keyRunes[id] = int32(utf8.RuneCountInString(k))
		if k == "" {
			continue
		}
		s := int32(0)
		for _, r := range k {
			sym := symbol(r)
			i, ok := slices.BinarySearchFunc(trie[s], sym, cmpEdge)
			if ok {
				s = trie[s][i].next
				continue
			}
			next := int32(len(trie))
			trie = append(trie, nil)
			own = append(own, nil)
			trie[s] = slices.Insert(trie[s], i, edge{sym, next})
			s = next
		}
		own[s] = append(own[s], int32(id))
	}

	// Edges into one array, in state order.
	n := 0
	for _, e := range trie {
		n += len(e)
	}
	a.states = make([]state, len(trie))
	a.edges = make([]edge, 0, n)
	for s, e := range trie {
		a.states[s].edge, a.states[s].nedge = int32(len(a.edges)), int32(len(e))
		a.edges = append(a.edges, e...)
	}
	a.root = make([]int32, nsym+1)
	for _, e := range trie[0] {
		a.root[e.sym] = e.next
	}
	a.links(own)
	return a
}

// links computes failure links breadth first, so a state's failure link is
// computed from shallower ones, and flattens outputs: a state's own keys,
// then its failure state's.
func (a *Automaton) links(own [][]int32) {
	order := make([]int32, 0, len(a.states))
	for _, e := range a.children(0) {
		order = append(order, e.next)
	}
	outs := make([][]int32, len(a.states))
	for i := 0; i < len(order); i++ {
		s := order[i]
		outs[s] = append(slices.Clone(own[s]), outs[a.states[s].fail]...)
		for _, e := range a.children(s) {
			a.states[e.next].fail = a.Step(a.states[s].fail, e.sym)
			order = append(order, e.next)
		}
	}
	n := 0
	for _, o := range outs {
		n += len(o)
	}
	a.outs = make([]int32, 0, n)
	for s := range a.states {
		a.states[s].out = int32(len(a.outs))
		a.states[s].nout = int32(len(outs[s]))
		a.outs = append(a.outs, outs[s]...)
	}
}

func (a *Automaton) children(s int32) []edge {
	st := &a.states[s]
	return a.edges[st.edge : st.edge+st.nedge]
}

// Symbol returns r's symbol: 1 up to the number of distinct runes in the
// keys, or 0 when no key contains r (nor then does any match span r).
func (a *Automaton) Symbol(r rune) int32 {
	if uint32(r) < 0x10000 {
		return a.bmp[uint16(r)]
	}
	if len(a.astral) == 0 {
		return 0
	}
	return a.astral[r]
}

// Step returns the state after reading sym in state s: the longest suffix
// of the text read so far that is a prefix of some key. s must be a state
// returned by Step (or 0, the root) and sym a symbol returned by Symbol.
// Step(s, 0) is 0: a rune outside the alphabet resets to the root, which
// scan loops do without calling Step.
func (a *Automaton) Step(s, sym int32) int32 {
	for s != 0 {
		// The inner loop of every scan, so it searches by hand: linearly
		// through a few edges, else by bisection.
		st := &a.states[s]
		e := a.edges[st.edge : st.edge+st.nedge]
		if len(e) <= 8 {
			for _, x := range e {
				if x.sym >= sym {
					if x.sym == sym {
						return x.next
					}
					break
				}
			}
		} else {
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
				return e[lo].next
			}
		}
		s = st.fail
	}
	return a.root[sym]
}

// Outputs returns the ids of the keys that end in state s, longest first
// (each ends at the last rune read). It is empty for the root. The slice
// is the automaton's: callers must not modify it.
func (a *Automaton) Outputs(s int32) []int32 {
	st := &a.states[s]
	return a.outs[st.out : st.out+st.nout : st.out+st.nout]
}

// KeyRunes returns the length in runes of key id, so a scan can tell
// where a key reported by Outputs began.
func (a *Automaton) KeyRunes(id int32) int32 { return a.keyRunes[id] }
