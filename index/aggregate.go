package index

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/segmentio/encoding/json"
)

// Facet names the search API accepts, and the fields they count.
var facetFields = map[string]string{
	"category": fieldCategory,
	"source":   fieldSource,
	"kind":     fieldKind,
	"region":   fieldProvince,
	"city":     fieldCity,
	"author":   fieldAuthor,
	"cluster":  fieldClusterID, // the largest repost clusters
}

// FacetNames lists the facets a Request may ask for.
func FacetNames() []string {
	names := make([]string, 0, len(facetFields))
	for n := range facetFields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FacetCount is one value of a facet and how many matching docs have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facet is the counts of one facet, most frequent first.
type Facet struct {
	Values []FacetCount `json:"values"`
	// Other is the number of matching docs with a value not listed;
	// Missing those with no value.
	Other   int `json:"other"`
	Missing int `json:"missing"`
}

// facetSize is how many values a facet lists. Each partition is asked
// for facetRequestSize values so that, merged across partitions, counts are
// exact for fields with fewer distinct values than that (category, kind,
// region, source in practice) and approximate only in the long tail.
const (
	facetSize        = 20
	facetRequestSize = 200
)

// addFacets adds the named facets to sr; unknown names are an error.
func addFacets(sr *bleve.SearchRequest, names []string) error {
	for _, n := range names {
		f, ok := facetFields[n]
		if !ok {
			return fmt.Errorf("%w: facet %q: want one of %s", ErrInvalid, n, strings.Join(FacetNames(), ", "))
		}
		sr.AddFacet(n, bleve.NewFacetRequest(f, facetRequestSize))
	}
	return nil
}

// facetResults converts bleve's facet results.
func facetResults(res *bleve.SearchResult) map[string]Facet {
	if len(res.Facets) == 0 {
		return nil
	}
	out := make(map[string]Facet, len(res.Facets))
	for name, fr := range res.Facets {
		f := Facet{Other: fr.Other, Missing: fr.Missing, Values: []FacetCount{}}
		if fr.Terms != nil {
			for i, t := range fr.Terms.Terms() {
				if i >= facetSize {
					f.Other += t.Count
					continue
				}
				f.Values = append(f.Values, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		out[name] = f
	}
	return out
}

// Cursor is an opaque position in a sorted result (the sort values of the
// last hit of a page), for deep paging without offsets.
func encodeCursor(sortKeys []string) string {
	js, _ := json.Marshal(sortKeys)
	return base64.RawURLEncoding.EncodeToString(js)
}

// ErrBadCursor is returned for a cursor this index did not produce.
var ErrBadCursor = fmt.Errorf("%w: cursor", ErrInvalid)

func decodeCursor(c string, n int) ([]string, error) {
	js, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	var keys []string
	if err := json.Unmarshal(js, &keys); err != nil || len(keys) != n {
		return nil, ErrBadCursor
	}
	return keys, nil
}

// ClusterInfo describes the repost cluster of a collapsed hit, counted
// within the query's matches.
type ClusterInfo struct {
	ID        string    `json:"id"`
	Size      uint64    `json:"size"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// clusterStats counts the docs of cluster id matching q and finds the
// first and last published times, with two one-hit searches.
func clusterStats(ctx context.Context, target bleve.Index, q query.Query, id string) (ClusterInfo, error) {
	cq := query.NewTermQuery(id)
	cq.SetField(fieldClusterID)
	both := query.NewConjunctionQuery([]query.Query{q, cq})
	info := ClusterInfo{ID: id}
	for _, order := range []string{fieldPublishedAt, "-" + fieldPublishedAt} {
		sr := bleve.NewSearchRequestOptions(both, 1, 0, false)
		sr.Fields = []string{sourceField}
		sr.SortBy([]string{order, "_id"})
		res, err := searchAll(ctx, target, sr)
		if err != nil {
			return info, fmt.Errorf("cluster %s stats: %w", id, err)
		}
		info.Size = res.Total
		if len(res.Hits) == 0 {
			continue
		}
		d, err := decodeStored(res.Hits[0].ID, res.Hits[0].Fields)
		if err != nil {
			return info, err
		}
		if order == fieldPublishedAt {
			info.FirstSeen = d.PublishedAt
		} else {
			info.LastSeen = d.PublishedAt
		}
	}
	return info, nil
}

// clusterStatsAll runs clusterStats for every id, a few at a time.
func clusterStatsAll(ctx context.Context, target bleve.Index, q query.Query, ids []string) (map[string]ClusterInfo, error) {
	out := make(map[string]ClusterInfo, len(ids))
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	sem := make(chan struct{}, 4)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			info, err := clusterStats(ctx, target, q, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = errors.Join(firstErr, err)
				return
			}
			out[id] = info
		})
	}
	wg.Wait()
	return out, firstErr
}

// Histogram intervals.
const (
	IntervalHour = "1h"
	IntervalDay  = "1d"
)

// HistogramRequest asks for counts of matching docs per time bucket.
type HistogramRequest struct {
	Q        string
	From, To time.Time
	// Interval is "1h" or "1d" (days in Location, default the index zone).
	Interval string
	// Split is "", "category" or "source": one series per top value.
	Split    string
	Location *time.Location
	Now      time.Time
}

// Bucket is one time bucket's count.
type Bucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}

// Series is the buckets of one split value ("" for all matches).
type Series struct {
	Value   string   `json:"value,omitempty"`
	Total   int      `json:"total"`
	Buckets []Bucket `json:"buckets"`
}

// Histogram is the answer: Series[0] is all matches; with a split, one
// series per top value follows.
type Histogram struct {
	Interval string        `json:"interval"`
	From     time.Time     `json:"from"`
	To       time.Time     `json:"to"`
	Series   []Series      `json:"series"`
	TookMS   float64       `json:"took_ms"`
	Took     time.Duration `json:"-"`
}

// MaxBuckets bounds a histogram.
const MaxBuckets = 24 * 400

// hourCounts counts the matches of q per UTC hour with one term facet on
// the published_hour field (bleve's date-range facets test every range
// for every doc; a term facet is one map update per doc).
func hourCounts(ctx context.Context, target bleve.Index, q query.Query, hours int) (map[string]int, uint64, error) {
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	sr.AddFacet("h", bleve.NewFacetRequest(fieldHour, hours+1))
	res, err := searchAll(ctx, target, sr)
	if err != nil {
		return nil, 0, err
	}
	counts := make(map[string]int, hours)
	if fr := res.Facets["h"]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
	}
	return counts, res.Total, nil
}

// bucketize folds hour counts into buckets of the interval over [from, to).
func bucketize(counts map[string]int, from, to time.Time, interval string, loc *time.Location) []Bucket {
	var starts []time.Time
	switch interval {
	case IntervalDay:
		d := from.In(loc)
		for t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc); t.Before(to); t = t.AddDate(0, 0, 1) {
			starts = append(starts, t)
		}
	default:
		for t := from.UTC().Truncate(time.Hour); t.Before(to); t = t.Add(time.Hour) {
			starts = append(starts, t)
		}
	}
	buckets := make([]Bucket, len(starts))
	for i, s := range starts {
		buckets[i].Start = s
		end := to
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		for h := s.UTC().Truncate(time.Hour); h.Before(end); h = h.Add(time.Hour) {
			buckets[i].Count += counts[hourKey(h)]
		}
	}
	return buckets
}

// searchAll runs sr on target and fails when any partition failed: bleve
// reports a failing member of an alias in Status and returns no error,
// which would silently answer with part of the data.
func searchAll(ctx context.Context, target bleve.Index, sr *bleve.SearchRequest) (*bleve.SearchResult, error) {
	res, err := target.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	if res.Status != nil && res.Status.Failed > 0 {
		var errs []error
		for name, e := range res.Status.Errors {
			errs = append(errs, fmt.Errorf("partition %s: %w", name, e))
		}
		return nil, fmt.Errorf("%d of %d partitions failed: %w", res.Status.Failed, res.Status.Total, errors.Join(errs...))
	}
	return res, nil
}
