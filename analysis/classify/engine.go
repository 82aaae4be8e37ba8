package classify

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// scratch is the per-call working memory, pooled so that Classify
// allocates little more than its Result.
type scratch struct {
	hits     []acHit
	breaks   []int32 // end offsets of sentence ends
	clauses  []int32 // end offsets of sentence and clause ends
	negs     []acHit
	rumours  []acHit
	ignores  []acHit
	ctxs     []ctxHit
	cands    []catHit
	members  []member
	patterns []int32
	senti    []sentHit
	bounds   []uint64
	counts   []keyCount
	miss     []float64
}

type ctxHit struct {
	idx        int32
	start, end int32
}

type catHit struct {
	cat        int16
	key        int32 // automaton key, or -1-pattern for a pattern match
	start, end int32
	w          float64
}

type member struct {
	combo, group int32
	key          int32
	start, end   int32
}

type sentHit struct {
	p          payload
	key        int32
	start, end int32
}

type keyCount struct {
	cat int16
	key int32
	n   int
}

// doc is one Classify call in progress.
type doc struct {
	c    *RuleClassifier
	s    *scratch
	text string
	in   Input
	res  Result
}

// Classify implements Classifier.
func (c *RuleClassifier) Classify(in Input) Result {
	s := c.pool.Get().(*scratch)
	defer c.pool.Put(s)
	d := doc{c: c, s: s, text: in.Text, in: in}
	d.collect()
	d.markBounds()
	d.categories()
	d.sentiment()
	d.res.Risk = c.riskOf(d.res)
	slices.SortStableFunc(d.res.Explanation, func(a, b Evidence) int { return a.Start - b.Start })
	return d.res
}

// collect scans the text once and sorts the hits by what they mean.
func (d *doc) collect() {
	s := d.s
	s.hits = d.c.ac.scan(d.text, s.hits[:0])
	s.breaks, s.clauses, s.negs, s.rumours, s.ignores = s.breaks[:0], s.clauses[:0], s.negs[:0], s.rumours[:0], s.ignores[:0]
	s.ctxs, s.cands, s.members, s.patterns, s.senti = s.ctxs[:0], s.cands[:0], s.members[:0], s.patterns[:0], s.senti[:0]
	for _, h := range s.hits {
		for _, p := range d.c.payloads[h.key] {
			switch p.kind {
			case pBreak:
				s.breaks = append(s.breaks, h.end)
				s.clauses = append(s.clauses, h.end)
			case pClause:
				s.clauses = append(s.clauses, h.end)
			case pNegation:
				s.negs = append(s.negs, h)
			case pRumour:
				s.rumours = append(s.rumours, h)
			case pIgnore:
				s.ignores = append(s.ignores, h)
			case pContext:
				s.ctxs = append(s.ctxs, ctxHit{p.idx, h.start, h.end})
			case pTerm:
				s.cands = append(s.cands, catHit{p.cat, h.key, h.start, h.end, p.w})
			case pTrigger:
				if !slices.Contains(s.patterns, p.idx) {
					s.patterns = append(s.patterns, p.idx)
				}
			case pCombo:
				s.members = append(s.members, member{p.idx, int32(p.group), h.key, h.start, h.end})
			default:
				s.senti = append(s.senti, sentHit{p, h.key, h.start, h.end})
			}
		}
	}
	for _, pi := range s.patterns {
		p := d.c.patterns[pi]
		for _, loc := range p.re.FindAllStringIndex(d.text, 4) {
			s.cands = append(s.cands, catHit{p.cat, -1 - pi, int32(loc[0]), int32(loc[1]), p.w})
		}
	}
}

// markBounds records the word boundaries of in.Words in Text, for hits that
// must be whole words. Without Words every offset is a boundary.
func (d *doc) markBounds() {
	s := d.s
	s.bounds = s.bounds[:0]
	if len(d.in.Words) == 0 {
		return
	}
	n := len(d.text)/64 + 1
	s.bounds = slices.Grow(s.bounds, n)[:n]
	clear(s.bounds)
	pos := 0
	for _, w := range d.in.Words {
		i := strings.Index(d.text[pos:], w)
		if i < 0 {
			continue
		}
		start := pos + i
		pos = start + len(w)
		d.setBound(start)
		d.setBound(pos)
	}
}

func (d *doc) setBound(i int) {
	if i/64 < len(d.s.bounds) {
		d.s.bounds[i/64] |= 1 << (i % 64)
	}
}

// whole reports whether [start, end) is made of whole words.
func (d *doc) whole(start, end int32) bool {
	b := d.s.bounds
	if len(b) == 0 {
		return true
	}
	return b[start/64]&(1<<(start%64)) != 0 && b[end/64]&(1<<(end%64)) != 0
}

// inside reports whether [start, end) lies within one of spans and is
// shorter than it.
func inside(spans []acHit, start, end int32) bool {
	for _, sp := range spans {
		if sp.start <= start && end <= sp.end && sp.end-sp.start > end-start {
			return true
		}
	}
	return false
}

// sentence returns the index of the sentence holding byte offset pos.
func (d *doc) sentence(pos int32) int {
	n, _ := slices.BinarySearch(d.s.breaks, pos+1)
	return n
}

// brokenBetween reports whether a clause or sentence ends in [from, to).
func (d *doc) brokenBetween(from, to int32) bool {
	for _, b := range d.s.clauses {
		if b > from && b <= to {
			return true
		}
	}
	return false
}

// runesBetween counts runes in text[from:to], stopping once past limit.
func (d *doc) runesBetween(from, to int32, limit int) int {
	if from >= to {
		return 0
	}
	if int(to-from) > limit*utf8.UTFMax {
		return limit + 1
	}
	return utf8.RuneCountInString(d.text[from:to])
}
