package classify

import "slices"

// nearKey is the candidate key of near rule i: below the keys of patterns
// (-1-pattern), so the two never meet.
func nearKey(i int32) int32 { return -(1 << 20) - i }

// runNears turns the members of near rules into candidates: for each rule,
// chains of its groups in order, each member starting at most within
// characters after the previous one ends, with no sentence end between.
// A chain's candidate spans from its first member to its last, like a
// pattern match.
func (d *doc) runNears() {
	s := d.s
	if len(s.nears) == 0 {
		return
	}
	slices.SortFunc(s.nears, func(a, b member) int {
		if a.combo != b.combo {
			return int(a.combo - b.combo)
		}
		return int(a.start - b.start)
	})
	for i := 0; i < len(s.nears); {
		j := i
		for j < len(s.nears) && s.nears[j].combo == s.nears[i].combo {
			j++
		}
		d.chains(s.nears[i].combo, s.nears[i:j])
		i = j
	}
}

// chains finds up to maxRepeats chains of near rule idx among its
// members, sorted by start.
func (d *doc) chains(idx int32, ms []member) {
	nr := &d.c.nears[idx]
	found, tries := 0, 0
	for i, m := range ms {
		if m.group != 0 || found >= maxRepeats || tries >= maxPatternRuns {
			continue
		}
		tries++
		end, ok := m.end, true
		for g := int32(1); g < int32(nr.groups) && ok; g++ {
			end, ok = d.next(ms[i+1:], g, end, nr.within)
		}
		if ok {
			found++
			d.s.cands = append(d.s.cands, catHit{nr.cat, nearKey(idx), m.start, end, nr.w})
		}
	}
}

// next finds the earliest-ending member of group g that starts at or after
// from, within the given number of characters and in the same sentence,
// and returns its end.
func (d *doc) next(ms []member, g, from int32, within int) (int32, bool) {
	best, ok := int32(0), false
	for _, m := range ms {
		if m.start > from+int32(within*4) {
			break // members are sorted by start; UTF-8 runes are at most 4 bytes
		}
		if m.group != g || m.start < from || ok && m.end >= best {
			continue
		}
		if d.runesBetween(from, m.start, within) <= within && d.sentence(from) == d.sentence(m.start) {
			best, ok = m.end, true
		}
	}
	return best, ok
}
