package report

import (
	"context"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/index"
)

// Source is what a report reads: the index's searches and histograms and
// the alert store's alerts. *index.Index has Search and Histogram (and
// Scan); with an alert store it fits through a small adapter:
//
//	type reportSource struct {
//		*index.Index
//		alerts *alert.Store
//	}
//	func (s reportSource) Alerts(ctx context.Context, f alert.Filter) ([]alert.Alert, error) {
//		return s.alerts.List(ctx, f)
//	}
//
// Errors are returned as they come (an index.ErrInvalid or *index.QueryError
// means a bad query the report built).
type Source interface {
	Search(ctx context.Context, req index.Request) (index.Result, error)
	Histogram(ctx context.Context, req index.HistogramRequest) (index.Histogram, error)
	// Alerts returns the alerts matching f (alert.Store.List).
	Alerts(ctx context.Context, f alert.Filter) ([]alert.Alert, error)
}

// Scanner is what a Source may also do: call fn with every document
// published in [from, to) matching q, oldest first (index.Index.Scan).
// Without it Generate pages through Search, newest first.
type Scanner interface {
	Scan(ctx context.Context, q string, from, to time.Time, fn func(analysis.Doc) error) error
}

// scan calls fn for the documents of [from, to), with src's Scan when it
// has one, else by paging searches. fn returning errStop ends it quietly.
func scan(ctx context.Context, src Source, from, to time.Time, fn func(analysis.Doc) error) error {
	var err error
	if sc, ok := src.(Scanner); ok {
		err = sc.Scan(ctx, "", from, to, fn)
	} else {
		err = scanBySearch(ctx, src, from, to, fn)
	}
	if err == errStop {
		return nil
	}
	return err
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}

func scanBySearch(ctx context.Context, src Source, from, to time.Time, fn func(analysis.Doc) error) error {
	req := index.Request{From: from, To: to, Size: index.MaxSize}
	for {
		res, err := src.Search(ctx, req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if err := fn(h.Doc); err != nil {
				return err
			}
		}
		if res.Next == "" || len(res.Hits) < index.MaxSize {
			return nil
		}
		req.After = res.Next
	}
}
