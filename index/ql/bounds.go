package ql

import (
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Times outside these years are beyond what bleve's date ranges take.
const minQueryYear, maxQueryYear = 1700, 2260

// rangeQuery is a numeric range on risk or sentiment, or a date range on
// published_at.
func rangeQuery(n *Range, o Options) (query.Query, *SyntaxError) {
	f := indexField[n.Field]
	if !slices.Contains(rangeFields, n.Field) {
		return nil, errAt(n.Pos, "unknown range field %q", n.Field)
	}
	if n.Lo.Value == "" && n.Hi.Value == "" {
		return nil, errAt(n.Pos, "%s range without bounds", n.Field)
	}
	if n.Field == "time" {
		lo, hi, err := timeRange(n, o)
		if err != nil {
			return nil, err
		}
		q := query.NewDateRangeInclusiveQuery(lo.t, hi.t, &lo.incl, &hi.incl)
		q.SetField(f)
		return q, nil
	}
	var ends [2]*float64
	for i, b := range []Bound{n.Lo, n.Hi} {
		if b.Value == "" {
			continue
		}
		v, err := parseNumber(b.Value, n.Pos)
		if err != nil {
			return nil, err
		}
		ends[i] = &v
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	q := query.NewNumericRangeInclusiveQuery(ends[0], ends[1], &n.Lo.Inclusive, &n.Hi.Inclusive)
	q.SetField(f)
	return q, nil
}

// end is a resolved end of a time range; a zero t is open.
type end struct {
	t    time.Time
	incl bool
}

// timeRange resolves the ends of a time range.
func timeRange(n *Range, o Options) (lo, hi end, err *SyntaxError) {
	ends := [2]end{}
	for i, b := range []Bound{n.Lo, n.Hi} {
		if b.Value == "" {
			continue
		}
		w, err := parseWhen(b.Value, n.Pos)
		if err != nil {
			return end{}, end{}, err
		}
		t, incl := w.resolve(i == 1, b.Inclusive, o.Now, o.Location)
		if y := t.Year(); y < minQueryYear || y > maxQueryYear {
			return end{}, end{}, errAt(n.Pos, "time %s is out of range", t.Format(time.RFC3339))
		}
		ends[i] = end{t, incl}
	}
	lo, hi = ends[0], ends[1]
	if !lo.t.IsZero() && !hi.t.IsZero() && (lo.t.After(hi.t) || lo.t.Equal(hi.t) && !(lo.incl && hi.incl)) {
		return end{}, end{}, errAt(n.Pos, "empty time range: %s is not before %s",
			lo.t.Format(time.RFC3339), hi.t.Format(time.RFC3339))
	}
	return lo, hi, nil
}

// TimeBounds returns the published_at range outside which the query
// matches nothing, so that the caller opens only the index partitions
// that overlap it: no match is published before from, nor at or after to.
// A zero from or to is unbounded. It intersects the time ranges the query
// requires at its top level (the query itself, or the parts of a top-level
// AND), and ignores those under OR or NOT and those Compile would reject.
// from may end up at or after to: then nothing matches.
func TimeBounds(n Node, o Options) (from, to time.Time) {
	o = o.withClock()
	for _, r := range requiredTimes(n, nil) {
		lo, hi, err := timeRange(r, o)
		if err != nil {
			continue
		}
		if !lo.t.IsZero() && (from.IsZero() || lo.t.After(from)) {
			from = lo.t
		}
		if hi.incl && !hi.t.IsZero() {
			hi.t = hi.t.Add(time.Nanosecond)
		}
		if !hi.t.IsZero() && (to.IsZero() || hi.t.Before(to)) {
			to = hi.t
		}
	}
	return from, to
}

// requiredTimes appends the time ranges every match of n satisfies.
func requiredTimes(n Node, out []*Range) []*Range {
	switch n := n.(type) {
	case *Range:
		if n.Field == "time" {
			out = append(out, n)
		}
	case *And:
		for _, c := range n.Nodes {
			out = requiredTimes(c, out)
		}
	}
	return out
}
