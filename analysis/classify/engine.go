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
	maxIgn   int32 // longest ignore hit
	maxCand  int32 // longest candidate
	docCtx   [][]ctxHit
	sentDrop []bool
	tries    []uint8 // pattern runs so far, by pattern
	ctxs     []ctxHit
	cands    []catHit
	members  []member
	nears    []member
	mask     []uint8 // groups seen, by combo
	slot     []int16 // index into bests, by combo; -1 when incomplete
	bests    [][maxGroups]best
	triggers []trigger
	senti    []sentHit
	bounds   []uint64
	counts   []keyCount
	miss     []float64
}

type trigger struct {
	pattern    int32
	start, end int32
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
	if d.c.phoneKey >= 0 || d.c.accountKey >= 0 {
		s.hits = scanNumbers(d.text, d.c.phoneKey, d.c.accountKey, s.hits)
	}
	s.breaks, s.clauses, s.negs, s.rumours, s.ignores = s.breaks[:0], s.clauses[:0], s.negs[:0], s.rumours[:0], s.ignores[:0]
	s.ctxs, s.cands, s.members, s.triggers, s.senti = s.ctxs[:0], s.cands[:0], s.members[:0], s.triggers[:0], s.senti[:0]
	s.nears = s.nears[:0]
	s.maxIgn, s.maxCand = 0, 0
	s.docCtx = slices.Grow(s.docCtx[:0], len(d.c.contexts))[:len(d.c.contexts)]
	for i := range s.docCtx {
		s.docCtx[i] = s.docCtx[i][:0]
	}
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
				s.maxIgn = max(s.maxIgn, h.end-h.start)
			case pContext:
				s.ctxs = append(s.ctxs, ctxHit{p.idx, h.start, h.end})
				if l := &s.docCtx[p.idx]; len(*l) < 2 {
					*l = append(*l, ctxHit{p.idx, h.start, h.end})
				}
			case pTerm:
				s.cands = append(s.cands, catHit{p.cat, h.key, h.start, h.end, p.w})
			case pTrigger:
				s.triggers = append(s.triggers, trigger{p.idx, h.start, h.end})
			case pCombo:
				s.members = append(s.members, member{p.idx, int32(p.group), h.key, h.start, h.end})
			case pNear:
				s.nears = append(s.nears, member{p.idx, int32(p.group), h.key, h.start, h.end})
			default:
				s.senti = append(s.senti, sentHit{p, h.key, h.start, h.end})
			}
		}
	}
	d.runPatterns()
	d.runNears()
	// Candidates in order of end offset (patterns were appended last), so
	// that containment is checked among neighbours only.
	slices.SortStableFunc(s.cands, func(a, b catHit) int { return int(a.end - b.end) })
	for _, h := range s.cands {
		s.maxCand = max(s.maxCand, h.end-h.start)
	}
}

// runPatterns runs each triggered pattern at its trigger: anchored at the
// trigger's start, or (when the rule sets before) over the few characters
// around it. Either way the cost of a regular expression does not grow
// with the length of the document.
func (d *doc) runPatterns() {
	s := d.s
	s.tries = slices.Grow(s.tries[:0], len(d.c.patterns))[:len(d.c.patterns)]
	clear(s.tries)
	for _, t := range s.triggers {
		if s.tries[t.pattern] >= maxPatternRuns {
			continue
		}
		s.tries[t.pattern]++
		p := &d.c.patterns[t.pattern]
		from := int(t.start)
		if p.before > 0 {
			from = d.runesBack(from, p.before)
		}
		to := d.runesForward(int(t.end), p.after)
		if p.before == 0 {
			if loc := p.re.FindStringIndex(d.text[from:to]); loc != nil {
				s.cands = append(s.cands, catHit{p.cat, -1 - t.pattern, int32(from + loc[0]), int32(from + loc[1]), p.w})
			}
			continue
		}
		for _, loc := range p.re.FindAllStringIndex(d.text[from:to], 2) {
			s.cands = append(s.cands, catHit{p.cat, -1 - t.pattern, int32(from + loc[0]), int32(from + loc[1]), p.w})
		}
	}
}

// maxPatternRuns bounds the runs of one pattern on one document: a term
// counts at most maxRepeats times anyway.
const maxPatternRuns = 8

// runesBack returns the offset n runes before i (or 0).
func (d *doc) runesBack(i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(d.text[:i])
		i -= size
	}
	return i
}

// runesForward returns the offset n runes after i (or the end).
func (d *doc) runesForward(i, n int) int {
	for ; n > 0 && i < len(d.text); n-- {
		_, size := utf8.DecodeRuneInString(d.text[i:])
		i += size
	}
	return i
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
// shorter than it. spans are sorted by end and none is longer than maxLen.
func inside(spans []acHit, maxLen, start, end int32) bool {
	i, _ := slices.BinarySearchFunc(spans, end, func(sp acHit, e int32) int { return int(sp.end - e) })
	for ; i < len(spans) && spans[i].end-maxLen <= start; i++ {
		if sp := spans[i]; sp.start <= start && sp.end-sp.start > end-start {
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

// sentenceSpan returns the byte range of sentence n.
func (d *doc) sentenceSpan(n int) (int32, int32) {
	from, to := int32(0), int32(len(d.text))
	if n > 0 {
		from = d.s.breaks[n-1]
	}
	if n < len(d.s.breaks) {
		to = d.s.breaks[n]
	}
	return from, to
}

// brokenBetween reports whether a clause or sentence ends in (from, to].
func (d *doc) brokenBetween(from, to int32) bool {
	i, _ := slices.BinarySearch(d.s.clauses, from+1)
	return i < len(d.s.clauses) && d.s.clauses[i] <= to
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
