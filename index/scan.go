package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/yuqing-dev/yuqing/analysis"
)

// Scan calls fn with every stored doc published in [from, to) that
// matches q (the query language; "" is everything), oldest first, paging
// with cursors. Docs come as search returns them (display text, no
// tokens). It stops at the first error of fn. Backtests replay history
// with it.
func (ix *Index) Scan(ctx context.Context, q string, from, to time.Time, fn func(analysis.Doc) error) error {
	bq, f, t, err := compileQuery(q, from, to, time.Now())
	if err != nil {
		return err
	}
	target := ix.searchIndex(f, t)
	order := []string{fieldPublishedAt, "_id"}
	var after []string
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		sr := bleve.NewSearchRequestOptions(withTimeRange(bq, from, to), 500, 0, false)
		sr.Fields = storedFields
		sr.SortBy(order)
		sr.SearchAfter = after
		res, err := searchAll(ctx, target, sr)
		if err != nil {
			return fmt.Errorf("scanning: %w", err)
		}
		for _, h := range res.Hits {
			d, err := decodeStored(h.ID, h.Fields)
			if err != nil {
				return err
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(res.Hits) < 500 {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}
