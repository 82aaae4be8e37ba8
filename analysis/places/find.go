package places

import (
	"strings"
	"sync"
)

// mention is a span kept by the scan: text[start:end] names division div,
// or, while div is ambiguous, one of amb[a0:a1].
type mention struct {
	start, end int
	div        int32
	a0, a1     int32
}

// Values of mention.div that are not divisions.
const (
	ambiguous   = -1 // not settled yet; after resolve, dropped
	blockedWord = -2 // a blocked word: no place, but it ends the chain before it
)

// scratch holds the buffers of one Find call; they are pooled.
type scratch struct {
	ms   []mention
	amb  []int32 // readings of ambiguous mentions
	ctx  []int32 // divisions named unambiguously, with their ancestors
	best []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Find returns the places mentioned in text, in the order of their first
// mention. text should already be normalised (simplified Chinese,
// half-width). Find returns nil when there is no place.
//
// Each place appears once: a chain of names, each inside the one before it
// (浙江省杭州市西湖区, 浙江杭州西湖, 上海浦东新区), is one Location whose Mention
// is the whole chain, and a place that only names an ancestor of another
// place found in the same text (浙江 … 杭州) is left out, since the more
// specific Location carries it. Repeated mentions keep the first.
//
// The package documentation gives the rules for short forms and ambiguous
// names.
func (g *Gazetteer) Find(text string) []Location {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.scan(g, text)
	if len(s.ms) == 0 {
		return nil
	}
	s.resolve(g)
	return s.locations(g, text)
}

// scan reads text left to right, taking at each position the longest key
// that has a reading allowed there.
func (s *scratch) scan(g *Gazetteer, text string) {
	s.ms, s.amb = s.ms[:0], s.amb[:0]
	var buf [maxKey]match
	for i := 0; i < len(text); {
		if b := text[i]; b < 0xE4 || b > 0xE9 { // not the lead byte of a CJK character
			i++
			continue
		}
		prev := int32(-1) // the division named right before i, if settled
		if n := len(s.ms); n > 0 && s.ms[n-1].end == i && s.ms[n-1].div >= 0 {
			prev = s.ms[n-1].div
		}
		found := g.t.walk(text, i, buf[:0])
		end := 0
		for k := len(found) - 1; k >= 0 && end == 0; k-- {
			end = s.take(g, text, i, found[k], prev)
		}
		if end == 0 {
			i++
			continue
		}
		i = end
	}
}

// take tries to read text[i:m.end] as a mention, prev being the division
// named right before i (or -1). It returns where the scan goes on, or 0 if
// no reading of the key is allowed here.
func (s *scratch) take(g *Gazetteer, text string, i int, m match, prev int32) int {
	a0 := int32(len(s.amb))
	for _, e := range g.t.entries[m.v0:m.v1] {
		switch e.kind {
		case kindBlock:
			s.amb = s.amb[:a0]
			s.ms = append(s.ms, mention{start: i, end: m.end, div: blockedWord})
			return m.end
		case kindShort:
			if followedByStop(text[m.end:]) {
				continue
			}
		case kindAfterParent:
			if prev < 0 || !isAncestor(g.divs, prev, e.div) || followedByStop(text[m.end:]) {
				continue
			}
		}
		s.amb = append(s.amb, e.div)
	}
	cands := prefer(g.divs, s.amb[a0:], prev)
	if len(cands) == 0 {
		s.amb = s.amb[:a0]
		return 0
	}
	mt := mention{start: i, end: m.end, div: ambiguous, a0: a0, a1: a0 + int32(len(cands))}
	s.amb = s.amb[:mt.a1]
	if len(cands) == 1 {
		mt.div = cands[0]
		s.amb = s.amb[:a0]
		mt.end = g.splitCityCounty(text, mt)
	}
	s.ms = append(s.ms, mt)
	return mt.end
}

// prefer narrows the readings of one key, in place: a province always wins
// (青海河南 is two provinces, not 河南县); right after an ancestor, its
// nearest descendants win (辽宁朝阳 is 朝阳市, not its 朝阳县).
func prefer(divs []division, cands []int32, prev int32) []int32 {
	for _, c := range cands {
		if divs[c].level == levelProvince {
			cands[0] = c
			return cands[:1]
		}
	}
	if prev < 0 || len(cands) < 2 {
		return cands
	}
	lvl := uint8(levelCounty + 1)
	for _, c := range cands {
		if isAncestor(divs, prev, c) {
			lvl = min(lvl, divs[c].level)
		}
	}
	if lvl > levelCounty {
		return cands
	}
	out := cands[:0]
	for _, c := range cands {
		if isAncestor(divs, prev, c) && divs[c].level == lvl {
			out = append(out, c)
		}
	}
	return out
}

// splitCityCounty gives back the 市 of a prefecture's full name when it
// starts a county of that prefecture: 济南市中区 is 济南 + 市中区, 青岛市南区
// is 青岛 + 市南区. It returns the mention's end.
func (g *Gazetteer) splitCityCounty(text string, mt mention) int {
	const shi = "市"
	if g.divs[mt.div].level == levelCounty || !strings.HasSuffix(text[mt.start:mt.end], shi) {
		return mt.end
	}
	var buf [maxKey]match
	for _, m := range g.t.walk(text, mt.end-len(shi), buf[:0]) {
		for _, e := range g.t.entries[m.v0:m.v1] {
			if e.div >= 0 && isAncestor(g.divs, mt.div, e.div) {
				return mt.end - len(shi)
			}
		}
	}
	return mt.end
}

// followedByStop reports whether a short form followed by rest names a
// road, street or shore rather than the place (南京路, 黄河南岸).
func followedByStop(rest string) bool {
	for _, w := range noFollow {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}
