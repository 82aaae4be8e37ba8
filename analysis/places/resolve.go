package places

// resolve settles ambiguous mentions (朝阳区 of 北京 or of 长春) from the
// rest of the text: a candidate whose prefecture is named elsewhere scores
// 2, one whose province is named scores 1. A single best candidate wins;
// otherwise the mention stands for the nearest division that all the best
// (or, if none scores, all) candidates lie in, and is dropped when there is
// none.
func (s *scratch) resolve(g *Gazetteer) {
	s.ctx = s.ctx[:0]
	for _, m := range s.ms {
		if m.div >= 0 {
			d := &g.divs[m.div]
			s.ctx = append(s.ctx, m.div, d.prov, cityOf(g.divs, m.div))
		}
	}
	for i := range s.ms {
		m := &s.ms[i]
		if m.div != ambiguous {
			continue
		}
		cands := s.amb[m.a0:m.a1]
		top := 0
		for _, c := range cands {
			top = max(top, s.score(g, c))
		}
		best := cands
		if top > 0 {
			best = s.best[:0]
			for _, c := range cands {
				if s.score(g, c) == top {
					best = append(best, c)
				}
			}
			s.best = best
		}
		m.div = commonAncestor(g.divs, best)
	}
}

func (s *scratch) score(g *Gazetteer, c int32) int {
	if city := cityOf(g.divs, c); city >= 0 && city != c && s.named(city) {
		return 2
	}
	if p := g.divs[c].prov; p != c && s.named(p) {
		return 1
	}
	return 0
}

func (s *scratch) named(d int32) bool {
	for _, x := range s.ctx {
		if x == d {
			return true
		}
	}
	return false
}

// commonAncestor is the most specific division that is each of cands or
// contains it, or -1.
func commonAncestor(divs []division, cands []int32) int32 {
	if len(cands) == 0 {
		return -1
	}
	first := cands[0]
	for _, a := range [3]int32{first, divs[first].city, divs[first].prov} {
		if a < 0 {
			continue
		}
		all := true
		for _, c := range cands[1:] {
			if c != a && !isAncestor(divs, a, c) {
				all = false
				break
			}
		}
		if all {
			return a
		}
	}
	return -1
}

// locations merges chains, drops repeats and ancestors of other places, and
// builds the result in text order.
func (s *scratch) locations(g *Gazetteer, text string) []Location {
	ms := s.ms[:0]
	for _, m := range s.ms {
		if m.div < 0 {
			continue
		}
		if n := len(ms); n > 0 && ms[n-1].end == m.start &&
			(ms[n-1].div == m.div || isAncestor(g.divs, ms[n-1].div, m.div)) {
			ms[n-1].end, ms[n-1].div = m.end, m.div
			continue
		}
		ms = append(ms, m)
	}
	var out []Location
	for i, m := range ms {
		if s.covered(g, ms, i) {
			continue
		}
		l := g.location(m.div)
		l.Mention, l.Start, l.End = text[m.start:m.end], m.start, m.end
		if out == nil {
			out = make([]Location, 0, len(ms)-i)
		}
		out = append(out, l)
	}
	return out
}

// covered reports whether ms[i] repeats an earlier place or is an ancestor
// of another place found.
func (s *scratch) covered(g *Gazetteer, ms []mention, i int) bool {
	d := ms[i].div
	for j, m := range ms {
		if j < i && m.div == d || isAncestor(g.divs, d, m.div) {
			return true
		}
	}
	return false
}
