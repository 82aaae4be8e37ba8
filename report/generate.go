package report

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/yuqing-dev/yuqing/index"
)

// Options tune Generate. The zero value uses the defaults below.
type Options struct {
	// Location is the zone of the period's days and the report's times
	// (default Asia/Shanghai).
	Location *time.Location
	// ConsoleURL prefixes the links ("http://yuqing.example:8080");
	// "" gives links relative to the console's origin.
	ConsoleURL string
	// TopN bounds each ranked list (default 10).
	TopN int
	// MaxScanDocs caps the documents scanned per period for clusters and
	// terms (default 200000); a capped scan is noted in Report.Notes.
	MaxScanDocs int
	// MinTopicSize is the least size of a fastest-growing topic (default 3).
	MinTopicSize int
	// BaselinePeriods is how many periods before the report's make the
	// emerging-term baseline (default 4).
	BaselinePeriods int
	// MinTermCount (default 5) and MinTermScore (default 2) select
	// emerging terms; MaxTermCandidates (default 50) bounds the terms
	// counted by search.
	MinTermCount      int
	MinTermScore      float64
	MaxTermCandidates int
	// MajorSeverities are the severities of major incidents (default P1, P2).
	MajorSeverities []string
	// Now is the clock of GeneratedAt (default time.Now).
	Now func() time.Time
	// ID is the report's id; "" makes one from the period and random bits.
	ID string
	// Schedule is recorded in the report.
	Schedule string
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = DefaultLocation()
	}
	setDefault(&o.TopN, 10)
	setDefault(&o.MaxScanDocs, 200000)
	setDefault(&o.MinTopicSize, 3)
	setDefault(&o.BaselinePeriods, 4)
	setDefault(&o.MinTermCount, 5)
	setDefault(&o.MaxTermCandidates, 50)
	if o.MinTermScore <= 0 {
		o.MinTermScore = 2
	}
	if o.MajorSeverities == nil {
		o.MajorSeverities = []string{"P1", "P2"}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func setDefault(v *int, d int) {
	if *v <= 0 {
		*v = d
	}
}

// gen is one Generate run.
type gen struct {
	src  Source
	p    Period
	prev Period
	o    Options
	ln   linker
	r    *Report
	cur  *scanned
}

// Generate builds the report of period p from src. The period is checked
// (Period.Validate); an error of src is returned wrapped with the section
// being built. A cancelled ctx stops it with ctx's error.
func Generate(ctx context.Context, src Source, p Period, opts Options) (Report, error) {
	o := opts.withDefaults()
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	p.From, p.To = p.From.In(o.Location), p.To.In(o.Location)
	g := &gen{src: src, p: p, prev: p.Previous(), o: o, ln: linker{base: o.ConsoleURL}}
	r := &Report{ID: o.ID, Period: p, Previous: g.prev, Timezone: o.Location.String(),
		GeneratedAt: o.Now().In(o.Location), Schedule: o.Schedule, Title: Title(p, o.Location)}
	if r.ID == "" {
		r.ID = NewID(p, o.Location)
	}
	g.r = r
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"volume", g.volume}, {"hot topics", g.topics}, {"emerging terms", g.terms},
		{"alerts", g.alerts}, {"notable documents", g.notable},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return Report{}, fmt.Errorf("report %s: %s: %w", r.ID, s.name, err)
		}
	}
	return *r, nil
}

// Title is the report's Chinese title: 舆情日报 2026-11-08, 舆情周报
// 2026-11-02 至 2026-11-08, 舆情报告 … for a custom period.
func Title(p Period, loc *time.Location) string {
	from := p.From.In(loc).Format(time.DateOnly)
	last := p.To.In(loc).Add(-time.Nanosecond).Format(time.DateOnly)
	switch p.Kind {
	case Daily:
		return "舆情日报 " + from
	case Weekly:
		return "舆情周报 " + from + " 至 " + last
	}
	return "舆情报告 " + from + " 至 " + last
}

// NewID returns a fresh report id: kind, first day, random suffix
// (weekly-20261102-1a2b3c4d).
func NewID(p Period, loc *time.Location) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return ScheduledID(string(p.Kind), p, loc) + "-" + hex.EncodeToString(b[:])
}

// ScheduledID is the id of a schedule's report of p (the same on every
// replica and every retry): name-yyyymmdd.
func ScheduledID(name string, p Period, loc *time.Location) string {
	return name + "-" + p.From.In(loc).Format("20060102")
}

// count returns the number of documents matching q in [from, to).
func (g *gen) count(ctx context.Context, q string, from, to time.Time) (int, error) {
	res, err := g.src.Search(ctx, index.Request{Q: q, From: from, To: to, Size: 1})
	if err != nil {
		return 0, fmt.Errorf("counting %q: %w", q, err)
	}
	return int(res.Total), nil
}

// compare counts q in the period and the previous one.
func (g *gen) compare(ctx context.Context, value, q string) (Count, error) {
	c := Count{Value: value, Link: g.ln.search(q, g.p.From, g.p.To), PrevLink: g.ln.search(q, g.prev.From, g.prev.To)}
	var err error
	if c.Count, err = g.count(ctx, q, g.p.From, g.p.To); err != nil {
		return c, err
	}
	if c.Prev, err = g.count(ctx, q, g.prev.From, g.prev.To); err != nil {
		return c, err
	}
	c.ChangePct = changePct(c.Count, c.Prev)
	return c, nil
}

func changePct(cur, prev int) *float64 {
	if prev == 0 {
		return nil
	}
	v := math.Round(float64(cur-prev)/float64(prev)*1000) / 10
	return &v
}

// facetQuery is the query that selects a facet's value.
func facetQuery(facet, value string) string {
	return facet + ":" + strconv.Quote(value)
}

func (g *gen) volume(ctx context.Context) error {
	v := &g.r.Volume
	var err error
	if v.Total, err = g.compare(ctx, "", ""); err != nil {
		return err
	}
	facets := []string{"category", "source", "region"}
	values := map[string][]string{}
	for _, per := range []Period{g.p, g.prev} {
		res, err := g.src.Search(ctx, index.Request{From: per.From, To: per.To, Size: 1, Facets: facets})
		if err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		for _, f := range facets {
			for _, fc := range res.Facets[f].Values {
				if !slices.Contains(values[f], fc.Value) {
					values[f] = append(values[f], fc.Value)
				}
			}
		}
	}
	for _, f := range facets {
		var rows []Count
		for _, val := range values[f] {
			c, err := g.compare(ctx, val, facetQuery(f, val))
			if err != nil {
				return err
			}
			rows = append(rows, c)
		}
		sortCounts(rows)
		switch f {
		case "category":
			v.ByCategory = rows
		case "source":
			v.BySource = rows
		case "region":
			v.ByRegion = rows
		}
	}
	return g.trend(ctx)
}

func (g *gen) trend(ctx context.Context) error {
	v := &g.r.Volume
	v.Interval = index.IntervalDay
	if g.p.To.Sub(g.p.From) <= 48*time.Hour {
		v.Interval = index.IntervalHour
	}
	h, err := g.src.Histogram(ctx, index.HistogramRequest{From: g.p.From, To: g.p.To, Interval: v.Interval, Location: g.o.Location})
	if err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	if len(h.Series) == 0 {
		return nil
	}
	bs := h.Series[0].Buckets
	for i, b := range bs {
		end := g.p.To
		if i+1 < len(bs) {
			end = bs[i+1].Start
		}
		start := b.Start
		if start.Before(g.p.From) {
			start = g.p.From
		}
		v.Trend = append(v.Trend, Bucket{Start: start.In(g.o.Location), Count: b.Count, Link: g.ln.search("", start, end)})
	}
	return nil
}

// sortCounts orders by count, then previous count, then value.
func sortCounts(rows []Count) {
	sortBy(rows, func(a, b Count) bool {
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Prev != b.Prev {
			return a.Prev > b.Prev
		}
		return a.Value < b.Value
	})
}
