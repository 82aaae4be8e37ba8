package classify

import (
	"math"
	"strings"
)

// maxRepeats is how many occurrences of one term in one category are
// counted (each half the weight of the one before) and explained.
const maxRepeats = 3

// categories turns term, pattern and combination hits into scores.
func (d *doc) categories() {
	s := d.s
	s.miss = s.miss[:0]
	for range Taxonomy {
		s.miss = append(s.miss, 1)
	}
	s.counts = s.counts[:0]
	for i, h := range s.cands {
		if d.dropped(i, h) {
			continue
		}
		n := d.repeat(h.cat, h.key)
		if n >= maxRepeats {
			continue
		}
		f, note := d.factor(h.cat, h.start, h.end)
		w := h.w * f / float64(int(1)<<n)
		s.miss[h.cat] *= 1 - w
		d.evidence(h.cat, d.text[h.start:h.end], h.start, h.end, w, note)
	}
	d.combos()
	d.scores()
}

// dropped reports whether candidate i is ignored: not a whole word when it
// must be, inside an ignore phrase, or inside a longer hit of its category.
func (d *doc) dropped(i int, h catHit) bool {
	if h.key >= 0 && d.c.needsWhole(h.key, pTerm) && !d.whole(h.start, h.end) {
		return true
	}
	if inside(d.s.ignores, h.start, h.end) {
		return true
	}
	for j, o := range d.s.cands {
		if j != i && o.cat == h.cat && o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start {
			return true
		}
		if j < i && o.cat == h.cat && o.start == h.start && o.end == h.end {
			return true // the same span matched twice (term and pattern)
		}
	}
	return false
}

// needsWhole reports whether key, as a payload of kind, must be whole
// words (a term written "=term" in the rules file).
func (c *RuleClassifier) needsWhole(key int32, kind uint8) bool {
	for _, p := range c.payloads[key] {
		if p.kind == kind && p.aligned {
			return true
		}
	}
	return false
}

// repeat returns how many times key was already counted for cat.
func (d *doc) repeat(cat int16, key int32) int {
	s := d.s
	for i := range s.counts {
		if s.counts[i].cat == cat && s.counts[i].key == key {
			s.counts[i].n++
			return s.counts[i].n - 1
		}
	}
	s.counts = append(s.counts, keyCount{cat, key, 1})
	return 0
}

// factor is what negation, rumour denial and context do to a hit of cat at
// [start, end): a multiplier in [0, 1] and a note saying why.
func (d *doc) factor(cat int16, start, end int32) (float64, string) {
	s, c := d.s, d.c
	f, note := 1.0, ""
	for _, n := range s.negs {
		if n.end <= start && d.runesBetween(n.end, start, c.negation.Window) <= c.negation.Window &&
			!d.brokenBetween(n.end, start) && d.whole(n.start, n.end) {
			f *= c.negation.Factor
			note = addNote(note, "negated by "+d.text[n.start:n.end])
			break
		}
	}
	sent := d.sentence(start)
	for _, r := range s.rumours {
		if d.sentence(r.start) == sent && (r.end <= start || r.start >= end) {
			f *= c.rumour.Factor
			note = addNote(note, "rumour denial "+d.text[r.start:r.end])
			break
		}
	}
	best, word := 1.0, ""
	for _, x := range s.ctxs {
		cx := &c.contexts[x.idx]
		if !cx.cats[cat] || cx.factor >= best || x.start < end && start < x.end {
			continue
		}
		if cx.sentence && d.sentence(x.start) != sent {
			continue
		}
		best, word = cx.factor, d.text[x.start:x.end]
	}
	if word != "" {
		f *= best
		note = addNote(note, "context "+word)
	}
	return f, note
}

func addNote(note, s string) string {
	if note == "" || s == "" {
		return note + s
	}
	return note + "; " + s
}

func (d *doc) evidence(cat int16, term string, start, end int32, w float64, note string) {
	d.res.Explanation = append(d.res.Explanation, Evidence{
		Category: Taxonomy[cat].ID, Term: term, Start: int(start), End: int(end), Weight: round3(w), Note: note,
	})
}

// combos scores the combination rules whose every group has a hit.
func (d *doc) combos() {
	s, c := d.s, d.c
	if len(s.members) == 0 {
		return
	}
	type best struct {
		f          float64
		start, end int32
		note       string
		ok         bool
		term       string
	}
	var done []int32
	for _, m := range s.members {
		if containsInt32(done, m.combo) {
			continue
		}
		done = append(done, m.combo)
		cb := &c.combos[m.combo]
		var g [maxGroups]best
		for _, o := range s.members {
			if o.combo != m.combo || inside(s.ignores, o.start, o.end) {
				continue
			}
			f, note := d.factor(cb.cat, o.start, o.end)
			if b := &g[o.group]; !b.ok || f > b.f {
				*b = best{f, o.start, o.end, note, true, d.text[o.start:o.end]}
			}
		}
		f, start, end, terms, note := 1.0, int32(len(d.text)), int32(0), make([]string, 0, cb.groups), ""
		for _, b := range g[:cb.groups] {
			if !b.ok {
				f = 0
				break
			}
			if b.f < f {
				f, note = b.f, b.note
			}
			start, end = min(start, b.start), max(end, b.end)
			terms = append(terms, b.term)
		}
		if f == 0 {
			continue
		}
		w := cb.w * f
		s.miss[cb.cat] *= 1 - w
		d.evidence(cb.cat, strings.Join(terms, "+"), start, end, w, addNote("combination", note))
	}
}

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// scores turns the products of misses into scores, gives each parent the
// max of its own score and its subtypes', and keeps scores ≥ MinScore.
func (d *doc) scores() {
	s, c := d.s, d.c
	for i := range Taxonomy {
		sc := 1 - s.miss[i]
		if p := c.parent[i]; p >= 0 && sc > 1-s.miss[p] {
			s.miss[p] = 1 - sc
		}
	}
	for i, t := range Taxonomy {
		if sc := round3(1 - s.miss[i]); sc >= MinScore {
			if d.res.Categories == nil {
				d.res.Categories = map[string]float64{}
			}
			d.res.Categories[t.ID] = sc
		}
	}
}

func round3(f float64) float64 {
	return math.Round(f*1000) / 1000
}
