package report

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis"
)

// scanned is what one scan of a period collected.
type scanned struct {
	clusters map[string]*clusterAcc
	terms    map[string]int // keyword → documents
	docs     int
	capped   bool
}

type clusterAcc struct {
	size        int
	first, last time.Time
	rep         analysis.Doc
}

// scanPeriod counts clusters (and, with terms, keywords) in [from, to).
func (g *gen) scanPeriod(ctx context.Context, from, to time.Time, terms bool) (*scanned, error) {
	s := &scanned{clusters: map[string]*clusterAcc{}, terms: map[string]int{}}
	err := scan(ctx, g.src, from, to, func(d analysis.Doc) error {
		if s.docs >= g.o.MaxScanDocs {
			s.capped = true
			return errStop
		}
		s.docs++
		if d.ClusterID != "" {
			c := s.clusters[d.ClusterID]
			if c == nil {
				c = &clusterAcc{first: d.PublishedAt, last: d.PublishedAt, rep: d}
				s.clusters[d.ClusterID] = c
			}
			c.size++
			if d.PublishedAt.Before(c.first) {
				c.first, c.rep = d.PublishedAt, d
			}
			if d.PublishedAt.After(c.last) {
				c.last = d.PublishedAt
			}
		}
		if terms {
			seen := map[string]bool{}
			for _, k := range d.Keywords {
				if k.Term != "" && !seen[k.Term] {
					seen[k.Term] = true
					s.terms[k.Term]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scanning %s to %s: %w", fmtTime(from), fmtTime(to), err)
	}
	if s.capped {
		g.r.Notes = append(g.r.Notes, fmt.Sprintf("扫描 %s 至 %s 的文档达到上限 %d 篇，话题与新词为抽样结果。",
			from.In(g.o.Location).Format(time.DateTime), to.In(g.o.Location).Format(time.DateTime), g.o.MaxScanDocs))
	}
	return s, nil
}

// cur is the period's scan, kept for terms.
func (g *gen) topics(ctx context.Context) error {
	cur, err := g.scanPeriod(ctx, g.p.From, g.p.To, true)
	if err != nil {
		return err
	}
	g.cur = cur
	prev, err := g.scanPeriod(ctx, g.prev.From, g.prev.To, false)
	if err != nil {
		return err
	}
	var all []Topic
	for id, c := range cur.clusters {
		pv := 0
		if pc := prev.clusters[id]; pc != nil {
			pv = pc.size
		}
		q := "cluster:" + strconv.Quote(id)
		all = append(all, Topic{ClusterID: id, Size: c.size, Prev: pv,
			Growth:    round2(float64(c.size+1) / float64(pv+1)),
			FirstSeen: c.first.In(g.o.Location), LastSeen: c.last.In(g.o.Location),
			Representative: g.docRef(c.rep), Link: g.ln.search(q, g.p.From, g.p.To),
			PrevLink: g.ln.search(q, g.prev.From, g.prev.To)})
	}
	ht := &g.r.HotTopics
	ht.Scanned = cur.docs
	sortBy(all, func(a, b Topic) bool {
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		return a.ClusterID < b.ClusterID
	})
	ht.Largest = topN(all, g.o.TopN)
	var growing []Topic
	for _, t := range all {
		if t.Size >= g.o.MinTopicSize && t.Size > t.Prev {
			growing = append(growing, t)
		}
	}
	sortBy(growing, func(a, b Topic) bool {
		if a.Growth != b.Growth {
			return a.Growth > b.Growth
		}
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		return a.ClusterID < b.ClusterID
	})
	ht.FastestGrowing = topN(growing, g.o.TopN)
	return nil
}

// terms finds emerging terms among the period's keywords (see the package
// doc for the method).
func (g *gen) terms(ctx context.Context) error {
	type cand struct {
		term string
		df   int
	}
	var cands []cand
	for t, n := range g.cur.terms {
		if n >= g.o.MinTermCount && !strings.ContainsAny(t, `"\`) {
			cands = append(cands, cand{t, n})
		}
	}
	sortBy(cands, func(a, b cand) bool {
		if a.df != b.df {
			return a.df > b.df
		}
		return a.term < b.term
	})
	cands = topN(cands, g.o.MaxTermCandidates)
	baseFrom := g.p.From
	var bases []Period
	for per := g.p; len(bases) < g.o.BaselinePeriods; {
		per = per.Previous()
		bases = append(bases, per)
		baseFrom = per.From
	}
	g.r.EmergingTerms = []Term{}
	for _, c := range cands {
		q := strconv.Quote(c.term)
		n, err := g.count(ctx, q, g.p.From, g.p.To)
		if err != nil {
			return err
		}
		t := Term{Term: c.term, Count: n, Link: g.ln.search(q, g.p.From, g.p.To), BaselineLink: g.ln.search(q, baseFrom, g.p.From)}
		sum := 0
		for _, b := range bases {
			bn, err := g.count(ctx, q, b.From, b.To)
			if err != nil {
				return err
			}
			t.Baseline = append(t.Baseline, bn)
			sum += bn
		}
		t.BaselineRate = round2(float64(sum) / float64(len(bases)))
		t.Score = round2(float64(n+1) / (float64(sum)/float64(len(bases)) + 1))
		if n >= g.o.MinTermCount && t.Score >= g.o.MinTermScore {
			g.r.EmergingTerms = append(g.r.EmergingTerms, t)
		}
	}
	sortBy(g.r.EmergingTerms, func(a, b Term) bool {
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Term < b.Term
	})
	g.r.EmergingTerms = topN(g.r.EmergingTerms, g.o.TopN*2)
	return nil
}

// docRef describes d, linked to its cluster in the period (or to itself).
func (g *gen) docRef(d analysis.Doc) DocRef {
	ref := DocRef{ID: d.ID, Title: d.DisplayTitle(), Snippet: snippet(d.DisplayText(), 120), Source: d.Source,
		URL: d.URL, PublishedAt: d.PublishedAt.In(g.o.Location), Risk: round2(d.Risk), ClusterID: d.ClusterID}
	if d.ClusterID != "" {
		ref.Link = g.ln.search("cluster:"+strconv.Quote(d.ClusterID), g.p.From, g.p.To)
	} else {
		ref.Link = g.ln.search("", g.p.From, g.p.To)
		ref.Link.URL = g.ln.base + "/docs/" + url.PathEscape(d.ID)
		ref.Link.Query = "id:" + d.ID
	}
	return ref
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}

func topN[T any](xs []T, n int) []T {
	if len(xs) > n {
		xs = xs[:n]
	}
	if xs == nil {
		return []T{}
	}
	return xs
}
