package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/simhash"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
)

// clusterAssigner gives a doc its repost cluster through the shared state.
type clusterAssigner interface {
	Assign(ctx context.Context, docID string, hash uint64, at time.Time) (string, error)
}

// analyzeHandler decodes raw Posts, analyses them in parallel, assigns
// repost clusters and produces the Docs to docsTopic. A record that cannot
// be decoded is logged, counted and skipped: retrying it would never
// succeed. A failing cluster assignment fails the batch (it is retried):
// the shared state is down, and docs without clusters would mislead.
func analyzeHandler(a *analysis.Analyzer, cl clusterAssigner, maxDistance int, p bus.Producer, docsTopic string, poison prometheus.Counter, log *slog.Logger) handler {
	workers := runtime.GOMAXPROCS(0)
	return func(ctx context.Context, msgs []bus.Message) error {
		out := make([]analyzed, len(msgs))
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
		if err := assignClusters(ctx, cl, maxDistance, out, errs); err != nil {
			return err
		}
		kept := make([]bus.Message, 0, len(out))
		for i, m := range out {
			if errs[i] != nil {
				poison.Inc()
				log.ErrorContext(ctx, "skipping undecodable raw record", "offset", msgs[i].Offset,
					"partition", msgs[i].Partition, "key", string(msgs[i].Key), "err", errs[i])
				continue
			}
			kept = append(kept, m.msg)
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

// analyzed is one analysed record on its way to the docs topic.
type analyzed struct {
	doc analysis.Doc
	msg bus.Message
}

func analyzeOne(a *analysis.Analyzer, m bus.Message, docsTopic string) (analyzed, error) {
	var p ingest.Post
	if err := json.Unmarshal(m.Value, &p); err != nil {
		return analyzed{}, fmt.Errorf("decoding post: %w", err)
	}
	return analyzed{doc: a.Analyze(p), msg: bus.Message{Topic: docsTopic, Key: []byte(p.ID), Time: m.Time}}, nil
}

// clusterWorkers is how many cluster assignments run at once: the shared
// state is a network round trip (Redis) or a coalesced transaction
// (local), both of which only pay off with concurrency.
const clusterWorkers = 32

// assignClusters gives every analysed doc its cluster and encodes it. A
// failed assignment fails the whole batch.
//
// Assignments run concurrently, except that a doc waits for the earlier
// docs of the batch it is a near-duplicate of: reposts often arrive in the
// same batch as their original, and assigned at the same moment they would
// each start a cluster. So docs are grouped in levels (a doc's level is one
// more than the highest level of the earlier docs within maxDistance of it)
// and the levels run one after another.
func assignClusters(ctx context.Context, cl clusterAssigner, maxDistance int, out []analyzed, errs []error) error {
	if cl == nil {
		for i := range out {
			if errs[i] == nil {
				_ = assignOne(ctx, nil, &out[i], &errs[i])
			}
		}
		return nil
	}
	hashes := make([]uint64, len(out))
	level := make([]int, len(out))
	var levels [][]int
	for i := range out {
		if errs[i] != nil {
			continue
		}
		h, err := out[i].doc.Hash()
		if err != nil {
			errs[i] = err
			continue
		}
		hashes[i] = h
		for j := range i {
			if errs[j] == nil && h != 0 && hashes[j] != 0 && simhash.Distance(h, hashes[j]) <= maxDistance {
				level[i] = max(level[i], level[j]+1)
			}
		}
		for len(levels) <= level[i] {
			levels = append(levels, nil)
		}
		levels[level[i]] = append(levels[level[i]], i)
	}
	for _, idx := range levels {
		if err := assignLevel(ctx, cl, out, errs, idx); err != nil {
			return err
		}
	}
	return nil
}

// assignLevel assigns the docs out[idx...] concurrently.
func assignLevel(ctx context.Context, cl clusterAssigner, out []analyzed, errs []error, idx []int) error {
	work := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(clusterWorkers, len(idx)) {
		wg.Go(func() {
			for i := range work {
				if err := assignOne(ctx, cl, &out[i], &errs[i]); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, i := range idx {
		work <- i
	}
	close(work)
	wg.Wait()
	return firstErr
}

// assignOne assigns and encodes one doc; a doc-level problem goes to
// *docErr, a store failure is returned.
func assignOne(ctx context.Context, cl clusterAssigner, r *analyzed, docErr *error) error {
	d := &r.doc
	if cl != nil {
		h, err := d.Hash()
		if err != nil {
			*docErr = err
			return nil
		}
		if d.ClusterID, err = cl.Assign(ctx, d.ID, h, d.PublishedAt); err != nil {
			return fmt.Errorf("assigning cluster of doc %s: %w", d.ID, err)
		}
	}
	v, err := json.Marshal(d)
	if err != nil {
		*docErr = fmt.Errorf("encoding doc %s: %w", d.ID, err)
		return nil
	}
	r.msg.Value = v
	return nil
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
