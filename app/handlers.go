package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
)

// analyzeHandler decodes raw Posts, analyses them in parallel and produces
// the Docs to docsTopic. A record that cannot be decoded is logged,
// counted and skipped: retrying it would never succeed.
func analyzeHandler(a *analysis.Analyzer, p bus.Producer, docsTopic string, poison prometheus.Counter, log *slog.Logger) handler {
	workers := runtime.GOMAXPROCS(0)
	return func(ctx context.Context, msgs []bus.Message) error {
		out := make([]bus.Message, len(msgs))
		errs := make([]error, len(msgs))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(msgs); i += workers {
					out[i], errs[i] = analyzeOne(a, msgs[i], docsTopic)
				}
			})
		}
		wg.Wait()
		kept := out[:0]
		for i, m := range out {
			if errs[i] != nil {
				poison.Inc()
				log.ErrorContext(ctx, "skipping undecodable raw record", "offset", msgs[i].Offset,
					"partition", msgs[i].Partition, "key", string(msgs[i].Key), "err", errs[i])
				continue
			}
			kept = append(kept, m)
		}
		if len(kept) == 0 {
			return nil
		}
		if err := p.Produce(ctx, kept...); err != nil {
			return fmt.Errorf("producing %d docs: %w", len(kept), err)
		}
		return nil
	}
}

func analyzeOne(a *analysis.Analyzer, m bus.Message, docsTopic string) (bus.Message, error) {
	var p ingest.Post
	if err := json.Unmarshal(m.Value, &p); err != nil {
		return bus.Message{}, fmt.Errorf("decoding post: %w", err)
	}
	d := a.Analyze(p)
	v, err := json.Marshal(d)
	if err != nil {
		return bus.Message{}, fmt.Errorf("encoding doc %s: %w", p.ID, err)
	}
	return bus.Message{Topic: docsTopic, Key: []byte(d.ID), Value: v, Time: m.Time}, nil
}

// indexHandler decodes Docs and indexes them as one batch, which returns
// when the batch is persisted.
func indexHandler(ix *index.Index, poison prometheus.Counter, log *slog.Logger) handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		docs := make([]analysis.Doc, 0, len(msgs))
		for _, m := range msgs {
			var d analysis.Doc
			if err := json.Unmarshal(m.Value, &d); err != nil || d.ID == "" {
				poison.Inc()
				log.ErrorContext(ctx, "skipping undecodable doc record", "offset", m.Offset,
					"partition", m.Partition, "key", string(m.Key), "err", err)
				continue
			}
			docs = append(docs, d)
		}
		if len(docs) == 0 {
			return nil
		}
		return ix.Index(ctx, docs)
	}
}
