package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/index/ql"
)

// MaxSize bounds the hits of one page.
const MaxSize = 200

// Sort orders.
const (
	SortTime      = "time"      // newest first (default)
	SortRelevance = "relevance" // best match first
	SortRisk      = "risk"      // highest risk first
)

// CollapseCluster collapses hits to one per repost cluster.
const CollapseCluster = "cluster"

// Request is one search.
type Request struct {
	// Q is a query in the analysts' query language (package ql): words,
	// "phrases", AND/OR/NOT, field filters, ranges, relative times.
	Q string
	// From and To further bound published_at (inclusive From, exclusive
	// To); zero means unbounded.
	From, To time.Time
	// Size is the page size (default 20, at most MaxSize); Page is 1-based.
	Size, Page int
	// Sort is SortTime (default), SortRelevance or SortRisk.
	Sort string
	// After is the cursor of the previous page (Result.Next) for deep
	// paging; Page is then ignored.
	After string
	// Facets names facets to count (see FacetNames).
	Facets []string
	// Collapse is "" or CollapseCluster.
	Collapse string
	// Now is the clock of relative times (time:>now-24h); zero = now.
	Now time.Time
}

// Hit is one matching document.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	// Doc is the stored document without its tokens.
	Doc analysis.Doc `json:"doc"`
	// Fragments are highlighted excerpts per field, matches in <mark>.
	Fragments map[string][]string `json:"fragments,omitempty"`
	// Cluster describes the hit's repost cluster when the search
	// collapsed by cluster.
	Cluster *ClusterInfo `json:"cluster,omitempty"`
}

// Result is a page of hits.
type Result struct {
	// Total is the number of matching documents (before collapsing).
	Total  uint64           `json:"total"`
	Hits   []Hit            `json:"hits"`
	Facets map[string]Facet `json:"facets,omitempty"`
	// Next is the cursor of the next page, when there may be one.
	Next   string        `json:"next,omitempty"`
	TookMS float64       `json:"took_ms"`
	Took   time.Duration `json:"-"`
}

// ErrInvalid wraps the errors of a request whose parameters are wrong
// (sort, collapse, interval, split, time range); the API answers 400.
var ErrInvalid = errors.New("invalid request")

// QueryError is a query the language rejects; the API answers it with 400.
type QueryError struct {
	Query string
	Err   *ql.SyntaxError
}

func (e *QueryError) Error() string { return fmt.Sprintf("query %q: %v", e.Query, e.Err) }
func (e *QueryError) Unwrap() error { return e.Err }

// ValidateQuery reports whether q is a valid query (saved searches are
// checked before they are stored); the error is a *QueryError.
func ValidateQuery(q string) error {
	_, _, _, err := compileQuery(q, time.Time{}, time.Time{}, time.Now())
	return err
}

// compileQuery parses q and returns the bleve query with the extra time
// bounds applied, and the published_at range it can match.
func compileQuery(q string, from, to, now time.Time) (query.Query, time.Time, time.Time, error) {
	n, err := ql.Parse(q)
	if err != nil {
		return nil, from, to, queryError(q, err)
	}
	o := ql.Options{Now: now, Location: DefaultLocation}
	bq, err := ql.Compile(n, o)
	if err != nil {
		return nil, from, to, queryError(q, err)
	}
	qf, qt := ql.TimeBounds(n, o)
	if !qf.IsZero() && (from.IsZero() || qf.After(from)) {
		from = qf
	}
	if !qt.IsZero() && (to.IsZero() || qt.Before(to)) {
		to = qt
	}
	return bq, from, to, nil
}

func queryError(q string, err error) error {
	var se *ql.SyntaxError
	if errors.As(err, &se) {
		return &QueryError{Query: q, Err: se}
	}
	return fmt.Errorf("query %q: %w", q, err)
}

// withTimeRange adds from/to on published_at to q.
func withTimeRange(q query.Query, from, to time.Time) query.Query {
	if from.IsZero() && to.IsZero() {
		return q
	}
	incl, excl := true, false
	r := &query.DateRangeQuery{Start: query.BleveQueryTime{Time: from}, End: query.BleveQueryTime{Time: to},
		InclusiveStart: &incl, InclusiveEnd: &excl, FieldVal: fieldPublishedAt}
	return query.NewConjunctionQuery([]query.Query{q, r})
}

func sortOrder(s string) ([]string, error) {
	switch s {
	case "", SortTime:
		return []string{"-" + fieldPublishedAt, "_id"}, nil
	case SortRelevance:
		return []string{"-_score", "-" + fieldPublishedAt, "_id"}, nil
	case SortRisk:
		return []string{"-" + fieldRisk, "-" + fieldPublishedAt, "_id"}, nil
	}
	return nil, fmt.Errorf("%w: sort %q: want time, relevance or risk", ErrInvalid, s)
}

// Search runs req over the partitions its time range touches. Hits carry
// <mark>-highlighted fragments of text and title (HTML-escaped). A query
// the language rejects is a *QueryError.
func (ix *Index) Search(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	now := req.Now
	if now.IsZero() {
		now = start
	}
	size := req.Size
	if size <= 0 {
		size = 20
	}
	size = min(size, MaxSize)
	page := max(req.Page, 1)
	order, err := sortOrder(req.Sort)
	if err != nil {
		return Result{}, err
	}
	bq, from, to, err := compileQuery(req.Q, req.From, req.To, now)
	if err != nil {
		return Result{}, err
	}
	q := withTimeRange(bq, req.From, req.To)
	target := ix.searchIndex(from, to)
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return Result{Hits: []Hit{}, TookMS: msSince(start), Took: time.Since(start)}, nil
	}

	var out Result
	switch req.Collapse {
	case "":
		out, err = searchPage(ctx, target, q, order, size, page, req.After, req.Facets)
	case CollapseCluster:
		if req.After != "" {
			return Result{}, fmt.Errorf("%w: collapse=cluster pages with page, not a cursor", ErrInvalid)
		}
		out, err = searchCollapsed(ctx, target, q, order, size, page, req.Facets)
	default:
		return Result{}, fmt.Errorf("%w: collapse %q: want cluster", ErrInvalid, req.Collapse)
	}
	if err != nil {
		return Result{}, err
	}
	out.Took = time.Since(start)
	out.TookMS = msSince(start)
	return out, nil
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// newRequest builds a bleve request for hits with stored fields and
// highlighting.
func newRequest(q query.Query, order []string, size, from int) *bleve.SearchRequest {
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.Fields = storedFields
	sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
	sr.Highlight.AddField(fieldText)
	sr.Highlight.AddField(fieldTitle)
	sr.SortBy(order)
	return sr
}

func searchPage(ctx context.Context, target bleve.Index, q query.Query, order []string, size, page int, after string, facets []string) (Result, error) {
	sr := newRequest(q, order, size, (page-1)*size)
	if after != "" {
		keys, err := decodeCursor(after, len(order))
		if err != nil {
			return Result{}, err
		}
		sr.From = 0
		sr.SearchAfter = keys
	}
	if err := addFacets(sr, facets); err != nil {
		return Result{}, err
	}
	res, err := searchAll(ctx, target, sr)
	if err != nil {
		return Result{}, fmt.Errorf("searching: %w", err)
	}
	out := Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits)), Facets: facetResults(res)}
	for _, h := range res.Hits {
		d, err := decodeStored(h.ID, h.Fields)
		if err != nil {
			return Result{}, err
		}
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Doc: d, Fragments: h.Fragments})
	}
	if len(res.Hits) == size {
		out.Next = encodeCursor(res.Hits[len(res.Hits)-1].Sort)
	}
	return out, nil
}

// collapseScanLimit bounds the hits read to fill a collapsed page.
const collapseScanLimit = 20000

// searchCollapsed returns page of one hit per repost cluster (the first in
// sort order), reading hits in chunks until the page is full, and the size
// and first/last time of each cluster within the query.
func searchCollapsed(ctx context.Context, target bleve.Index, q query.Query, order []string, size, page int, facets []string) (Result, error) {
	want := page * size
	seen := map[string]bool{}
	var picked []Hit
	var out Result
	chunk := max(4*size, 100)
	for offset := 0; len(picked) < want && offset < collapseScanLimit; offset += chunk {
		sr := newRequest(q, order, chunk, offset)
		if offset == 0 {
			if err := addFacets(sr, facets); err != nil {
				return Result{}, err
			}
		}
		res, err := searchAll(ctx, target, sr)
		if err != nil {
			return Result{}, fmt.Errorf("searching: %w", err)
		}
		if offset == 0 {
			out.Total, out.Facets = res.Total, facetResults(res)
		}
		for _, h := range res.Hits {
			d, err := decodeStored(h.ID, h.Fields)
			if err != nil {
				return Result{}, err
			}
			cid := d.ClusterID
			if cid == "" {
				cid = h.ID
			}
			if seen[cid] {
				continue
			}
			seen[cid] = true
			picked = append(picked, Hit{ID: h.ID, Score: h.Score, Doc: d, Fragments: h.Fragments, Cluster: &ClusterInfo{ID: cid}})
		}
		if len(res.Hits) < chunk {
			break
		}
	}
	first := min((page-1)*size, len(picked))
	out.Hits = picked[first:min(first+size, len(picked))]
	var ids []string
	for _, h := range out.Hits {
		ids = append(ids, h.Cluster.ID)
	}
	stats, err := clusterStatsAll(ctx, target, q, ids)
	if err != nil {
		return Result{}, err
	}
	for i := range out.Hits {
		h := &out.Hits[i]
		if st, ok := stats[h.Cluster.ID]; ok && st.Size > 0 {
			*h.Cluster = st
		} else { // a doc without cluster_id is a cluster of one
			h.Cluster.Size, h.Cluster.FirstSeen, h.Cluster.LastSeen = 1, h.Doc.PublishedAt, h.Doc.PublishedAt
		}
	}
	return out, nil
}

// Histogram counts the documents matching hr.Q per time bucket, optionally
// one series per top category or source.
func (ix *Index) Histogram(ctx context.Context, hr HistogramRequest) (Histogram, error) {
	start := time.Now()
	now := hr.Now
	if now.IsZero() {
		now = start
	}
	loc := hr.Location
	if loc == nil {
		loc = ix.opts.Location
	}
	switch hr.Interval {
	case "":
		hr.Interval = IntervalHour
	case IntervalHour, IntervalDay:
	default:
		return Histogram{}, fmt.Errorf("%w: interval %q: want 1h or 1d", ErrInvalid, hr.Interval)
	}
	splitField := ""
	switch hr.Split {
	case "":
	case "category":
		splitField = fieldCategory
	case "source":
		splitField = fieldSource
	default:
		return Histogram{}, fmt.Errorf("%w: split %q: want category or source", ErrInvalid, hr.Split)
	}
	bq, from, to, err := compileQuery(hr.Q, hr.From, hr.To, now)
	if err != nil {
		return Histogram{}, err
	}
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.Add(-7 * 24 * time.Hour)
		if hr.Interval == IntervalDay {
			from = to.Add(-30 * 24 * time.Hour)
		}
	}
	if !from.Before(to) {
		return Histogram{}, fmt.Errorf("%w: from %s is not before to %s", ErrInvalid, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	hours := int(to.Sub(from)/time.Hour) + 2
	if hours > MaxBuckets {
		return Histogram{}, fmt.Errorf("%w: from %s to %s is more than %d hours", ErrInvalid, from.Format(time.RFC3339), to.Format(time.RFC3339), MaxBuckets)
	}
	q := withTimeRange(bq, from, to)
	target := ix.searchIndex(from, to)
	out := Histogram{Interval: hr.Interval, From: from, To: to}
	counts, total, err := hourCounts(ctx, target, q, hours)
	if err != nil {
		return Histogram{}, fmt.Errorf("histogram: %w", err)
	}
	out.Series = append(out.Series, Series{Total: int(total), Buckets: bucketize(counts, from, to, hr.Interval, loc)})
	if splitField != "" {
		sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
		sr.AddFacet("s", bleve.NewFacetRequest(splitField, 10))
		res, err := searchAll(ctx, target, sr)
		if err != nil {
			return Histogram{}, fmt.Errorf("histogram split: %w", err)
		}
		var values []string
		if fr := res.Facets["s"]; fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				values = append(values, t.Term)
			}
		}
		series := make([]Series, len(values))
		errs := make([]error, len(values))
		sem := make(chan struct{}, 4)
		done := make(chan struct{})
		for i, v := range values {
			go func() {
				sem <- struct{}{}
				defer func() { <-sem; done <- struct{}{} }()
				tq := query.NewTermQuery(v)
				tq.SetField(splitField)
				c, n, err := hourCounts(ctx, target, query.NewConjunctionQuery([]query.Query{q, tq}), hours)
				series[i], errs[i] = Series{Value: v, Total: int(n), Buckets: bucketize(c, from, to, hr.Interval, loc)}, err
			}()
		}
		for range values {
			<-done
		}
		if err := errors.Join(errs...); err != nil {
			return Histogram{}, fmt.Errorf("histogram split: %w", err)
		}
		out.Series = append(out.Series, series...)
	}
	out.Took = time.Since(start)
	out.TookMS = msSince(start)
	return out, nil
}
