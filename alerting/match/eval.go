package match

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/yuqing-dev/yuqing/analysis"
)

// Result is a rule whose expression holds for a doc.
type Result struct {
	RuleID string
	// Explanation lists why: each satisfied leaf clause, and each NOT
	// that held.
	Explanation []Hit
}

// Hit is one satisfied clause. A word or NEAR gives one Hit per field it
// was found in, at its first occurrence there (for NEAR, the first pair:
// Start of the earlier, End of the later); Term is that text as the doc
// has it (it may be traditional or full-width). Start and End are byte
// offsets into the doc's original Text or Title (equal to the masked
// ones). A score clause gives the doc's value in Score; source: and kind:
// give the doc's value in Term; region: gives the place mention and its
// offsets in the text. A NOT gives its clause only.
type Hit struct {
	Clause string  `json:"clause"`
	Field  string  `json:"field,omitempty"`
	Term   string  `json:"term,omitempty"`
	Start  int     `json:"start,omitempty"`
	End    int     `json:"end,omitempty"`
	Score  float64 `json:"score,omitempty"`
}

// state is the scratch space of one Match, pooled per Set.
type state struct {
	d      *analysis.Doc
	norm   [3]analysis.Normalized // by field
	text   [3]string              // display text by field
	starts [3][]int32             // byte offset of each rune of norm[f].Text
	hits   []hit                  // sorted by key, field, rs
	first  []int32                // key → index of its first hit, valid if seen
	seen   []uint32               // key → epoch it was last found
	picked []uint64               // bit set of the rules to evaluate
	fired  []int32                // rules that hold
	stack  []bool                 // of run
	epoch  uint32
}

func (s *Set) getState() *state {
	if st, ok := s.pool.Get().(*state); ok {
		return st
	}
	return &state{first: make([]int32, len(s.keys)), seen: make([]uint32, len(s.keys)), picked: make([]uint64, (len(s.rules)+63)/64)}
}

// Match returns the rules whose expression holds for d, sorted by rule
// id, each with its explanation. It normalises the text and title once
// and scans each once with the automaton of all literals, then evaluates
// only the rules something found can make true, plus those that need
// nothing found (NOT-only, risk, sentiment, region rules). It is safe for
// concurrent use.
func (s *Set) Match(d *analysis.Doc) []Result {
	st := s.getState()
	defer s.release(st)
	st.reset(d)
	st.scan(s.ac, fieldText, d.DisplayText())
	if t := d.DisplayTitle(); t != "" {
		st.scan(s.ac, fieldTitle, t)
	}
	slices.SortFunc(st.hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.field, b.field), cmp.Compare(a.rs, b.rs))
	})
	s.candidates(st)
	if leaves := s.evaluate(st); len(st.fired) > 0 {
		return s.results(st, leaves)
	}
	return nil
}

// evaluate runs the candidate rules, in id order, into st.fired, and
// returns the number of leaves of those that hold.
func (s *Set) evaluate(st *state) int {
	st.fired = st.fired[:0]
	leaves := 0
	for w, word := range st.picked {
		for word != 0 {
			i := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			r := &s.rules[i]
			if st.run(s.prog[r.prog[0]:r.prog[1]], s.leafs) {
				st.fired = append(st.fired, int32(i))
				leaves += r.leaves
			}
		}
	}
	return leaves
}

// results explains the rules that hold. The results and all their
// explanations are two allocations: a leaf gives at most two Hits.
func (s *Set) results(st *state, leaves int) []Result {
	out := make([]Result, len(st.fired))
	hits := make([]Hit, 0, 2*leaves)
	for k, i := range st.fired {
		start := len(hits)
		hits = st.explain(s.rules[i].root, hits)
		out[k] = Result{RuleID: s.rules[i].id, Explanation: hits[start:len(hits):len(hits)]}
	}
	return out
}

// release returns st to the pool without references to the doc.
func (s *Set) release(st *state) {
	st.d = nil
	for f := range st.norm {
		st.norm[f], st.text[f] = analysis.Normalized{}, ""
	}
	s.pool.Put(st)
}

func (st *state) reset(d *analysis.Doc) {
	st.d = d
	st.hits = st.hits[:0]
	clear(st.picked)
	st.epoch++
	if st.epoch == 0 { // wrapped: old stamps could look current
		clear(st.seen)
		st.epoch = 1
	}
	for f := range st.starts {
		st.starts[f] = st.starts[f][:0]
	}
}

func (st *state) scan(ac *automaton, f uint8, text string) {
	st.text[f] = text
	st.norm[f] = analysis.Normalize(text)
	st.hits, st.starts[f] = ac.scan(st.norm[f].Text, f, st.hits, st.starts[f])
}

// candidates marks the rules to evaluate in st.picked.
func (s *Set) candidates(st *state) {
	for i, h := range st.hits {
		if st.seen[h.key] != st.epoch {
			st.seen[h.key], st.first[h.key] = st.epoch, int32(i)
			st.pick(s.byKey[h.key])
		}
	}
	d := st.d
	if len(s.byCat) > 0 {
		for c := range d.Categories {
			for p := c; ; {
				st.pick(s.byCat[p])
				j := strings.LastIndexByte(p, '.')
				if j < 0 {
					break
				}
				p = p[:j]
			}
		}
	}
	for p := d.Source; len(s.bySrc) > 0; {
		st.pick(s.bySrc[p])
		j := strings.LastIndexByte(p, ':')
		if j < 0 {
			break
		}
		p = p[:j]
	}
	st.pick(s.byKind[d.Kind])
	st.pick(s.always)
}

func (st *state) pick(rules []int32) {
	for _, r := range rules {
		st.picked[r/64] |= 1 << (r % 64)
	}
}

// occurrences returns the hits of key (all fields), sorted by field and
// start.
func (st *state) occurrences(key int32) []hit {
	if st.seen[key] != st.epoch {
		return nil
	}
	i := st.first[key]
	j := i
	for j < int32(len(st.hits)) && st.hits[j].key == key {
		j++
	}
	return st.hits[i:j]
}

func inScope(scope, f uint8) bool { return scope == fieldAny || scope == f }

func (st *state) eval(n *cnode) bool {
	switch n.op {
	case opAnd:
		for _, k := range n.kids {
			if !st.eval(k) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if st.eval(k) {
				return true
			}
		}
		return false
	case opNot:
		return !st.eval(n.kids[0])
	case opTerm:
		_, ok := st.term(n, fieldAny)
		return ok
	case opNear:
		_, _, ok := st.near(n, fieldAny)
		return ok
	case opCategory, opRisk, opSentiment:
		v, _ := st.score(n)
		return compare(v, n.cmp, n.value)
	case opSource:
		return hasPrefixSep(st.d.Source, n.str, ':')
	case opKindEq:
		return st.d.Kind == n.str
	case opRegion:
		return st.region(n.str) >= 0
	}
	return false
}

// term returns the first occurrence of a term in its scope, restricted to
// field f unless fieldAny.
func (st *state) term(n *cnode, f uint8) (hit, bool) {
	for _, h := range st.occurrences(n.key) {
		if inScope(n.field, h.field) && inScope(f, h.field) {
			return h, true
		}
	}
	return hit{}, false
}

// near returns the first pair of occurrences of a NEAR's words in one
// field, not overlapping, with at most n.n runes between them.
func (st *state) near(n *cnode, f uint8) (hit, hit, bool) {
	bs := st.occurrences(n.key2)
	for _, a := range st.occurrences(n.key) {
		if !inScope(n.field, a.field) || !inScope(f, a.field) {
			continue
		}
		for _, b := range bs {
			if b.field != a.field {
				continue
			}
			if b.rs >= a.re && b.rs-a.re <= n.n || a.rs >= b.re && a.rs-b.re <= n.n {
				return a, b, true
			}
		}
	}
	return hit{}, hit{}, false
}

// score returns the doc's value for a score clause: for a category the
// highest of it and its subtypes (0 when absent), and the category found.
func (st *state) score(n *cnode) (float64, string) {
	switch n.op {
	case opRisk:
		return st.d.Risk, ""
	case opSentiment:
		return st.d.Sentiment, ""
	}
	best, which := 0.0, ""
	for c, v := range st.d.Categories {
		if hasPrefixSep(c, n.str, '.') && (v > best || v == best && c < which) {
			best, which = v, c
		}
	}
	return best, which
}

// region returns the index of the first location whose province, city or
// district starts with name, or -1.
func (st *state) region(name string) int {
	for i, l := range st.d.Locations {
		if strings.HasPrefix(l.Province, name) || l.City != "" && strings.HasPrefix(l.City, name) ||
			l.District != "" && strings.HasPrefix(l.District, name) {
			return i
		}
	}
	return -1
}
