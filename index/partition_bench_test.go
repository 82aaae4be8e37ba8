package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

const (
	benchDocs  = 6000
	benchBatch = 500
)

var benchStart = time.Date(2026, 11, 1, 0, 0, 0, 0, cst)

// benchCorpus is benchDocs analysed posts published over 30 days, in
// random order of time (the bus order of a backfill) and sorted by time
// (the order of a live stream).
var benchCorpus = sync.OnceValues(func() ([][]analysis.Doc, error) {
	a, err := testAnalyzer()
	if err != nil {
		return nil, err
	}
	g := synth.New(7, benchStart, 30*24*time.Hour)
	shuffled := make([]analysis.Doc, benchDocs)
	for i := range shuffled {
		shuffled[i] = a.Analyze(g.Post(160))
	}
	ordered := slices.Clone(shuffled)
	slices.SortFunc(ordered, func(x, y analysis.Doc) int { return x.PublishedAt.Compare(y.PublishedAt) })
	return [][]analysis.Doc{shuffled, ordered}, nil
})

// singleIndex is the unpartitioned index as it was: one bleve index, one
// bleve batch per batch.
type singleIndex struct{ idx bleve.Index }

func (s singleIndex) Index(_ context.Context, docs []analysis.Doc) error {
	b := s.idx.NewBatch()
	for i := range docs {
		doc, err := buildDocument(s.idx.Mapping(), &docs[i])
		if err != nil {
			return err
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return err
		}
	}
	return s.idx.Batch(b)
}

type indexer interface {
	Index(context.Context, []analysis.Doc) error
}

func openBench(b *testing.B, kind string) (indexer, func() error) {
	dir := filepath.Join(b.TempDir(), "idx")
	if kind == "single" {
		idx, err := bleve.New(dir, NewMapping())
		if err != nil {
			b.Fatal(err)
		}
		return singleIndex{idx}, idx.Close
	}
	ix, err := OpenWith(dir, Options{Partition: Period(kind)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return ix, ix.Close
}

// BenchmarkIndex30Days indexes the same 6000 docs spread over 30 days, in
// batches of 500, into one bleve index and into day, week and month
// partitions.
func BenchmarkIndex30Days(b *testing.B) {
	corpus, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	for oi, order := range []string{"shuffled", "ordered"} {
		for _, kind := range []string{"single", "month", "week", "day"} {
			b.Run(order+"/"+kind, func(b *testing.B) {
				docs := corpus[oi]
				for b.Loop() {
					b.StopTimer()
					ix, closeIx := openBench(b, kind)
					b.StartTimer()
					for i := 0; i < len(docs); i += benchBatch {
						if err := ix.Index(context.Background(), docs[i:min(i+benchBatch, len(docs))]); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					closeIx()
					b.StartTimer()
				}
				b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
			})
		}
	}
}

// BenchmarkIDLookup measures the id map's part of a batch of 500: the
// lookup (one bbolt read transaction) and the commit (one write
// transaction with its fsync), with n ids already in the map; half the
// batch's ids are known.
func BenchmarkIDLookup(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		meta := benchMeta(b, n)
		rng := rand.New(rand.NewPCG(1, 2))
		batch := func() []string {
			ids := make([]string, benchBatch)
			for i := range ids {
				if i%2 == 0 {
					ids[i] = fmt.Sprintf("synth-%d", rng.IntN(n))
				} else {
					ids[i] = fmt.Sprintf("new-%d", rng.Uint64())
				}
			}
			return ids
		}
		b.Run(fmt.Sprintf("lookup/%d", n), func(b *testing.B) {
			keys := make([]string, benchBatch)
			for b.Loop() {
				if err := meta.lookup(batch(), keys); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("commit/%d", n), func(b *testing.B) {
			for b.Loop() {
				u := idUpdate{put: make(map[string]string, benchBatch)}
				for _, id := range batch() {
					u.put[id] = "2026-11-25"
				}
				u.recs = []partRecord{{Key: "2026-11-25", Docs: uint64(n)}}
				if err := meta.commit(u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchMeta(b *testing.B, n int) *metaStore {
	meta, _, err := openMeta(filepath.Join(b.TempDir(), metaFile), PeriodDay, cst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { meta.close() })
	meta.db.NoSync = true // filling is not what is measured
	const chunk = 50_000
	for i := 0; i < n; i += chunk {
		err := meta.db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucketIDs)
			for j := i; j < min(i+chunk, n); j++ {
				day := fmt.Sprintf("2026-11-%02d", 1+j%30)
				if err := bk.Put([]byte(fmt.Sprintf("synth-%d", j)), []byte(day)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	meta.db.NoSync = false
	return meta
}

// BenchmarkSearch30Days runs a newest-first, highlighted page of 20 over
// the 30-day corpus, unbounded and over the last day and week, on one
// bleve index and on day partitions.
func BenchmarkSearch30Days(b *testing.B) {
	corpus, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	docs := corpus[1]
	end := benchStart.AddDate(0, 0, 30)
	for _, kind := range []string{"single", "day"} {
		ixr, closeIx := openBench(b, kind)
		for i := 0; i < len(docs); i += benchBatch {
			if err := ixr.Index(context.Background(), docs[i:min(i+benchBatch, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
		for _, r := range []struct {
			name string
			from time.Time
		}{{"all", time.Time{}}, {"week", end.AddDate(0, 0, -7)}, {"day", end.AddDate(0, 0, -1)}} {
			b.Run(kind+"/"+r.name, func(b *testing.B) {
				var hits uint64
				for b.Loop() {
					var target bleve.Index
					if s, ok := ixr.(singleIndex); ok {
						target = s.idx
					} else {
						target = ixr.(*Index).searchIndex(r.from, time.Time{})
					}
					res, err := target.SearchInContext(context.Background(), benchRequest(r.from))
					if err != nil {
						b.Fatal(err)
					}
					hits = res.Total
				}
				b.ReportMetric(float64(hits), "hits")
			})
		}
		closeIx()
	}
}

func benchRequest(from time.Time) *bleve.SearchRequest {
	q := query.NewMatchQuery("杭州")
	q.SetField(fieldText)
	var qs []query.Query = []query.Query{q}
	if !from.IsZero() {
		incl := true
		qs = append(qs, &query.DateRangeQuery{Start: query.BleveQueryTime{Time: from},
			InclusiveStart: &incl, FieldVal: fieldPublishedAt})
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(qs), 20, 0, false)
	req.SortBy([]string{"-" + fieldPublishedAt, "_id"})
	req.Fields = storedFields
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldText)
	return req
}
