package index

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/blevesearch/bleve/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/robfig/cron/v3"
)

// DropExpired drops every partition whose whole period is older than the
// retention (by the Options clock): it forgets the partition and its ids
// in the manifest (one transaction), takes it out of the aliases, closes it
// (after the searches running on it finish) and deletes its directory. A
// search still holding an alias with the partition gets no hits from it.
// It returns the dropped keys; with no retention it does nothing. Batches
// wait while it runs.
//
// A crash after the manifest transaction leaves a directory the manifest
// does not list, which the next Open removes; a crash before it leaves the
// partition whole, and the next run (at start) drops it.
func (ix *Index) DropExpired(ctx context.Context) ([]string, error) {
	if ix.opts.Retention <= 0 {
		return nil, nil
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.closed {
		return nil, ErrClosed
	}
	now := ix.opts.Now()
	ix.mu.RLock()
	var expired []*partition
	for _, p := range ix.ordered {
		if ix.expired(p.end, now) {
			expired = append(expired, p)
		}
	}
	ix.mu.RUnlock()
	var dropped []string
	for _, p := range expired {
		if err := ctx.Err(); err != nil {
			return dropped, err
		}
		if err := ix.drop(p); err != nil {
			ix.metrics.retentionErrors.Inc()
			return dropped, err
		}
		dropped = append(dropped, p.key)
		ix.metrics.dropped.Inc()
		ix.log.InfoContext(ctx, "dropped expired index partition", "partition", p.key, "end", p.end,
			"retention", ix.opts.Retention)
	}
	return dropped, nil
}

func (ix *Index) drop(p *partition) error {
	ids, err := partitionIDs(p.idx)
	if err != nil {
		return fmt.Errorf("listing ids of partition %s: %w", p.key, err)
	}
	if err := ix.meta.dropPartition(p.key, ids); err != nil {
		return fmt.Errorf("forgetting partition %s: %w", p.key, err)
	}
	ix.removePartition(p.key)
	p.m.dropped.Store(true)
	if err := p.idx.Close(); err != nil {
		ix.log.Warn("closing dropped partition", "partition", p.key, "err", err)
	}
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("deleting partition %s: %w", p.dir, err)
	}
	return nil
}

// partitionIDs lists the ids of the docs in idx.
func partitionIDs(idx bleve.Index) ([]string, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer dr.Close()
	ids := make([]string, 0, dr.Size())
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, err
		}
		if iid == nil {
			return ids, nil
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
}

// StartRetention drops expired partitions now (before it returns), then
// on schedule — a cron spec (5 fields, or @hourly, @daily, @every 30m) in
// the index's time zone — until stop is called; stop waits for a running
// drop. Runs use ctx; their errors are logged and counted. With no
// retention it starts nothing. A bad schedule is an error.
func (ix *Index) StartRetention(ctx context.Context, schedule string) (stop func(), err error) {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return nil, fmt.Errorf("retention schedule %q: %w", schedule, err)
	}
	if ix.opts.Retention <= 0 {
		return func() {}, nil
	}
	run := func() {
		if _, err := ix.DropExpired(ctx); err != nil && ctx.Err() == nil {
			ix.log.ErrorContext(ctx, "dropping expired index partitions", "err", err)
		}
	}
	run()
	lg := cronLogger{ix.log}
	c := cron.New(cron.WithLocation(ix.opts.Location), cron.WithLogger(lg),
		cron.WithChain(cron.Recover(lg), cron.SkipIfStillRunning(lg)))
	c.Schedule(sched, cron.FuncJob(run))
	c.Start()
	return func() { <-c.Stop().Done() }, nil
}

// cronLogger sends cron's logs to slog (its routine ones at debug).
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("retention cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("retention cron: "+msg, append(kv, "err", err)...)
}

// metrics of the index; a nil Registerer leaves them unregistered.
type metrics struct {
	dropped, skipped, retentionErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, ix *Index) *metrics {
	f := promauto.With(reg)
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "yuqing_index_partitions",
		Help: "Partitions (bleve indexes, one per period of published_at) the index holds.",
	}, func() float64 {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return float64(len(ix.parts))
	})
	return &metrics{
		dropped: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_index_partitions_dropped_total",
			Help: "Partitions dropped by retention.",
		}),
		skipped: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_index_expired_docs_skipped_total",
			Help: "Docs not indexed because they were older than the retention.",
		}),
		retentionErrors: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_index_retention_errors_total",
			Help: "Retention runs that failed to drop a partition.",
		}),
	}
}
