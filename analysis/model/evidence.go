package model

import (
	"math"
	"strings"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// scored is a category id with its score.
type scored struct {
	id    string
	score float64
}

// explained is a class whose evidence is being collected: the features
// that pushed class c hardest against its strongest rival.
type explained struct {
	c, rival int
	category string // Evidence.Category: the label, or "sentiment"
	n        int
	top      [evidencePerCategory]struct {
		u      uniqFeat
		weight float64
	}
}

// result turns the posterior into a classify.Result with evidence.
func (m *Model) result(in classify.Input, sc *scratch, probs []float64) classify.Result {
	var res classify.Result
	cats := sc.cats[:0]
	for c, l := range m.labels {
		if isCategory(l) {
			cats = addScore(cats, l, probs[c])
			if p := m.parents[c]; p != "" {
				cats = addScore(cats, p, probs[c])
			}
		}
	}
	sc.cats = cats
	for _, s := range cats {
		if s.score = min(s.score, 1); s.score >= classify.MinScore {
			if res.Categories == nil {
				res.Categories = make(map[string]float64, 2)
			}
			res.Categories[s.id] = s.score
			res.Risk = max(res.Risk, s.score)
		}
	}
	ex := sc.explain[:0]
	for c, l := range m.labels {
		if isCategory(l) && probs[c] >= classify.MinScore {
			ex = append(ex, explained{c: c, rival: rival(probs, c), category: l})
		}
	}
	if m.HasSentiment() {
		res.Sentiment = m.sentiment(probs)
		if res.Sentiment > 0 && m.pos >= 0 {
			ex = append(ex, explained{c: m.pos, rival: rival(probs, m.pos), category: "sentiment"})
		} else if res.Sentiment < 0 && m.neg >= 0 {
			ex = append(ex, explained{c: m.neg, rival: rival(probs, m.neg), category: "sentiment"})
		}
	}
	sc.explain = ex
	res.Explanation = m.evidence(in, sc, ex)
	return res
}

func addScore(s []scored, id string, p float64) []scored {
	for i := range s {
		if s[i].id == id {
			s[i].score += p
			return s
		}
	}
	return append(s, scored{id, p})
}

// rival is the most probable class other than c.
func rival(probs []float64, c int) int {
	r, best := -1, -1.0
	for j, p := range probs {
		if j != c && p > best {
			r, best = j, p
		}
	}
	return r
}

// evidence collects, in one pass over the document's features, the top
// features of every class in ex, and turns them into Evidence.
func (m *Model) evidence(in classify.Input, sc *scratch, ex []explained) []classify.Evidence {
	if len(ex) == 0 {
		return nil
	}
	v1 := m.value(1, len(sc.uniq))
	for _, u := range sc.uniq {
		row := m.vocab.row(u.off)
		v := v1
		if !m.binary {
			v = m.value(u.count, len(sc.uniq))
		}
		for e := range ex {
			if wt := v * float64(row[ex[e].c]-row[ex[e].rival]); wt > 0 {
				ex[e].insert(u, wt)
			}
		}
	}
	var out []classify.Evidence
	for e := range ex {
		for _, t := range ex[e].top[:ex[e].n] {
			out = append(out, m.evidenceItem(in, sc.feats[t.u.first], ex[e].category, t.weight))
		}
	}
	return out
}

// insert keeps u if it is among the strongest features so far.
func (x *explained) insert(u uniqFeat, wt float64) {
	i := min(x.n, len(x.top)-1)
	if x.n == len(x.top) && wt <= x.top[i].weight {
		return
	}
	for i > 0 && x.top[i-1].weight < wt {
		x.top[i] = x.top[i-1]
		i--
	}
	x.top[i].u, x.top[i].weight = u, wt
	x.n = min(x.n+1, len(x.top))
}

// evidenceItem describes one feature; a word's offsets are those of its
// first occurrence in the text.
func (m *Model) evidenceItem(in classify.Input, f feature, category string, weight float64) classify.Evidence {
	term := featureText(in, f)
	e := classify.Evidence{Category: category, Term: term, Start: int(f.a), End: int(f.b),
		Weight: math.Round(weight*1000) / 1000, Note: m.notes[1]}
	if f.isWord() {
		e.Note = m.notes[0]
		e.Start, e.End = 0, 0 // not found: an empty range
		if i := strings.Index(in.Text, term); i >= 0 {
			e.Start, e.End = i, i+len(term)
		}
	}
	return e
}
