package classify

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
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
		x := d.factor(h.cat, h.start, h.end)
		f, note := x.f, d.note(x)
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
	s := d.s
	if inside(s.ignores, s.maxIgn, h.start, h.end) {
		return true
	}
	longer := func(o catHit) bool {
		return o.cat == h.cat && o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start
	}
	for j := i + 1; j < len(s.cands) && s.cands[j].end-s.maxCand <= h.start; j++ {
		if longer(s.cands[j]) {
			return true
		}
	}
	for j := i - 1; j >= 0 && s.cands[j].end == h.end; j-- {
		o := s.cands[j]
		if longer(o) || o.cat == h.cat && o.start == h.start {
			return true // a longer hit, or the same span matched twice (term and pattern)
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

// discount is what negation, rumour denial and context do to one hit: a
// multiplier f in [0, 1] and the hits responsible, turned into a note only
// when the hit is explained.
type discount struct {
	f                     float64
	neg, rumour           acHit
	ctx                   ctxHit
	hasNeg, hasRum, hasCx bool
}

// factor works out the discount of a hit of cat at [start, end).
func (d *doc) factor(cat int16, start, end int32) discount {
	c := d.c
	x := discount{f: 1}
	if x.neg, x.hasNeg = d.negation(start); x.hasNeg {
		x.f *= c.negation.Factor
	}
	sent := d.sentence(start)
	if x.rumour, x.hasRum = d.rumour(sent, start, end); x.hasRum {
		x.f *= c.rumour.Factor
	}
	if x.ctx, x.hasCx = d.context(cat, sent, start, end); x.hasCx {
		x.f *= c.contexts[x.ctx.idx].factor
	}
	return x
}

// note says why a hit was discounted, empty when it was not.
func (d *doc) note(x discount) string {
	note := ""
	if x.hasNeg {
		note = addNote(note, "negated by "+d.text[x.neg.start:x.neg.end])
	}
	if x.hasRum {
		note = addNote(note, "rumour denial "+d.text[x.rumour.start:x.rumour.end])
	}
	if x.hasCx {
		note = addNote(note, "context "+d.text[x.ctx.start:x.ctx.end]+" ("+d.c.contexts[x.ctx.idx].name+")")
	}
	return note
}

// negation finds a whole-word negation ending at most the window before
// start, in the same clause.
func (d *doc) negation(start int32) (acHit, bool) {
	negs, win := d.s.negs, d.c.negation.Window
	i, _ := slices.BinarySearchFunc(negs, start+1, func(n acHit, e int32) int { return int(n.end - e) })
	for i--; i >= 0 && start-negs[i].end <= int32(win*utf8.UTFMax); i-- {
		n := negs[i]
		if d.runesBetween(n.end, start, win) <= win && !d.brokenBetween(n.end, start) && d.whole(n.start, n.end) {
			return n, true
		}
	}
	return acHit{}, false
}

// rumour finds a rumour denial in sentence sent, outside [start, end).
func (d *doc) rumour(sent int, start, end int32) (acHit, bool) {
	from, to := d.sentenceSpan(sent)
	rs := d.s.rumours
	i, _ := slices.BinarySearchFunc(rs, from+1, func(r acHit, e int32) int { return int(r.end - e) })
	for ; i < len(rs) && rs[i].start < to; i++ {
		if r := rs[i]; r.end <= start || r.start >= end {
			return r, true
		}
	}
	return acHit{}, false
}

// context finds the strongest context that applies to a hit of cat: in
// the document, or in sentence sent for sentence-scoped contexts. A
// context word overlapping the hit itself does not count.
func (d *doc) context(cat int16, sent int, start, end int32) (ctxHit, bool) {
	s, c := d.s, d.c
	var best ctxHit
	found := false
	better := func(x ctxHit) {
		cx := &c.contexts[x.idx]
		if cx.cats[cat] && (x.end <= start || x.start >= end) && (!found || cx.factor < c.contexts[best.idx].factor) {
			best, found = x, true
		}
	}
	for i, cx := range c.contexts {
		if !cx.sentence {
			for _, x := range s.docCtx[i] {
				better(x)
			}
		}
	}
	from, to := d.sentenceSpan(sent)
	i, _ := slices.BinarySearchFunc(s.ctxs, from+1, func(x ctxHit, e int32) int { return int(x.end - e) })
	for ; i < len(s.ctxs) && s.ctxs[i].start < to; i++ {
		if c.contexts[s.ctxs[i].idx].sentence {
			better(s.ctxs[i])
		}
	}
	return best, found
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

// best is the least discounted hit of one combination group so far.
type best struct {
	x          discount
	start, end int32
	ok         bool
	tries      int
}

// maxGroupTries bounds the hits of one combination group whose discount
// is worked out: the first few are enough to find an undiscounted one.
const maxGroupTries = 4

// combos scores the combination rules whose every group has a hit. A first
// pass notes which groups each rule has; discounts are worked out only for
// members of complete rules.
func (d *doc) combos() {
	s, c := d.s, d.c
	if len(s.members) == 0 {
		return
	}
	s.mask = slices.Grow(s.mask[:0], len(c.combos))[:len(c.combos)]
	clear(s.mask)
	for _, m := range s.members {
		s.mask[m.combo] |= 1 << m.group
	}
	s.slot = slices.Grow(s.slot[:0], len(c.combos))[:len(c.combos)]
	s.bests = s.bests[:0]
	for i, cb := range c.combos {
		s.slot[i] = -1
		if s.mask[i] == 1<<cb.groups-1 {
			s.slot[i] = int16(len(s.bests))
			s.bests = append(s.bests, [maxGroups]best{})
		}
	}
	if len(s.bests) == 0 {
		return
	}
	for _, m := range s.members {
		slot := s.slot[m.combo]
		if slot < 0 {
			continue
		}
		b := &s.bests[slot][m.group]
		if b.ok && (b.x.f >= 1 || b.tries >= maxGroupTries) || inside(s.ignores, s.maxIgn, m.start, m.end) {
			continue
		}
		b.tries++
		if x := d.factor(c.combos[m.combo].cat, m.start, m.end); !b.ok || x.f > b.x.f {
			*b = best{x, m.start, m.end, true, b.tries}
		}
	}
	for i := range c.combos {
		if slot := s.slot[i]; slot >= 0 {
			d.combo(&c.combos[i], &s.bests[slot])
		}
	}
}

// combo scores one complete combination: its weight times the weakest of
// the best discounts of its groups.
func (d *doc) combo(cb *combo, g *[maxGroups]best) {
	weakest, start, end := discount{f: 1}, int32(len(d.text)), int32(0)
	var terms strings.Builder
	for i, b := range g[:cb.groups] {
		if !b.ok {
			return // every member of a group was ignored
		}
		if b.x.f < weakest.f {
			weakest = b.x
		}
		start, end = min(start, b.start), max(end, b.end)
		if i > 0 {
			terms.WriteByte('+')
		}
		terms.WriteString(d.text[b.start:b.end])
	}
	w := cb.w * weakest.f
	d.s.miss[cb.cat] *= 1 - w
	d.evidence(cb.cat, terms.String(), start, end, w, addNote("combination", d.note(weakest)))
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
