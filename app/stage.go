package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/bus"
)

// handler processes one batch. It must be idempotent: after a crash the
// same batch may be handled again. An error means nothing of the batch may
// be committed; the batch is retried.
type handler func(ctx context.Context, msgs []bus.Message) error

// stage is one consumer-group loop: fetch a batch, handle it, commit it.
type stage struct {
	name      string
	consumer  bus.Consumer
	handle    handler
	batchSize int
	batchWait time.Duration
	metrics   *stageMetrics
	log       *slog.Logger
}

// run loops until ctx is cancelled. A batch in hand when ctx is cancelled
// is still handled and committed (graceful drain); if that cannot finish,
// its messages stay uncommitted and are delivered again on the next start.
func (s *stage) run(ctx context.Context) {
	backoff := newBackoff()
	for {
		msgs, err := s.consumer.Fetch(ctx, s.batchSize, s.batchWait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "fetching", "stage", s.name, "err", err)
			if !backoff.wait(ctx) {
				return
			}
			continue
		}
		backoff.reset()
		if len(msgs) == 0 {
			continue
		}
		s.process(ctx, msgs)
	}
}

// process handles and commits one batch, retrying until it succeeds or the
// server is shutting down and a few more attempts failed.
func (s *stage) process(ctx context.Context, msgs []bus.Message) {
	work := context.WithoutCancel(ctx)
	start := time.Now()
	backoff := newBackoff()
	for attempt := 1; ; attempt++ {
		err := checkSchemas(msgs)
		if err == nil {
			err = s.handle(work, msgs)
		}
		if err == nil {
			err = s.consumer.Commit(work, msgs...)
		}
		if err == nil {
			break
		}
		s.metrics.errors.WithLabelValues(s.name).Inc()
		s.log.ErrorContext(ctx, "handling batch", "stage", s.name, "records", len(msgs), "attempt", attempt, "err", err)
		if ctx.Err() != nil && attempt >= 3 {
			s.log.WarnContext(ctx, "giving up batch at shutdown; it will be redelivered", "stage", s.name)
			return
		}
		backoff.wait(work)
	}
	s.metrics.records.WithLabelValues(s.name).Add(float64(len(msgs)))
	s.metrics.batchSeconds.WithLabelValues(s.name).Observe(time.Since(start).Seconds())
}

type stageMetrics struct {
	records      *prometheus.CounterVec
	errors       *prometheus.CounterVec
	batchSeconds *prometheus.HistogramVec
}

func newStageMetrics(reg prometheus.Registerer) *stageMetrics {
	m := &stageMetrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_stage_records_total",
			Help: "Records a stage handled and committed (analyze: analysed, index: indexed).",
		}, []string{"stage"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_stage_batch_errors_total",
			Help: "Batch attempts that failed and were retried.",
		}, []string{"stage"}),
		batchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yuqing_stage_batch_duration_seconds",
			Help:    "Time to handle and commit one batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"stage"}),
	}
	if reg != nil {
		reg.MustRegister(m.records, m.errors, m.batchSeconds)
	}
	return m
}

// backoff is exponential with a cap, for retry loops.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 50 * time.Millisecond} }

func (b *backoff) reset() { b.d = 50 * time.Millisecond }

// wait sleeps for the current delay and doubles it; false if ctx ended.
func (b *backoff) wait(ctx context.Context) bool {
	t := time.NewTimer(b.d)
	defer t.Stop()
	b.d = min(b.d*2, 5*time.Second)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// checkSchemas refuses a batch holding a record written by a newer
// version than this binary reads: it stays uncommitted and is retried
// (batch errors count up) until this process is upgraded, rather than
// being misread.
func checkSchemas(msgs []bus.Message) error {
	for _, m := range msgs {
		if m.Schema > bus.SchemaVersion {
			return fmt.Errorf("record %s at partition %d offset %d has schema version %d; this binary reads up to %d: upgrade it (consumers before producers)",
				m.Key, m.Partition, m.Offset, m.Schema, bus.SchemaVersion)
		}
	}
	return nil
}
