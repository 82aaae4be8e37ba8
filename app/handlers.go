package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/cluster"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/diskusage"
)

// clusterAssigner gives docs their repost clusters through the shared
// state, as if one after the other in order (cluster.Assigner.AssignBatch).
type clusterAssigner interface {
	AssignBatch(ctx context.Context, docs []cluster.Doc) ([]string, error)
}

// analyzeHandler decodes raw Posts, analyses them in parallel, assigns
// repost clusters and produces the Docs to docsTopic. A record that cannot
// be decoded is logged, counted and skipped: retrying it would never
// succeed. A failing cluster assignment fails the batch (it is retried):
// the shared state is down, and docs without clusters would mislead.
func analyzeHandler(a *analysis.Analyzer, cl clusterAssigner, p bus.Producer, docsTopic string, poison prometheus.Counter, log *slog.Logger) handler {
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
		if err := assignClusters(ctx, cl, out, errs); err != nil {
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

// assignClusters gives every analysed doc its cluster, in batch order (so
// a repost arriving in the same batch as its original joins it), and
// encodes it. A failed assignment fails the whole batch.
func assignClusters(ctx context.Context, cl clusterAssigner, out []analyzed, errs []error) error {
	var (
		docs []cluster.Doc
		idx  []int
	)
	for i := range out {
		if errs[i] != nil || cl == nil {
			continue
		}
		h, err := out[i].doc.Hash()
		if err != nil {
			errs[i] = err
			continue
		}
		docs = append(docs, cluster.Doc{ID: out[i].doc.ID, Hash: h, At: out[i].doc.PublishedAt})
		idx = append(idx, i)
	}
	if len(docs) > 0 {
		ids, err := cl.AssignBatch(ctx, docs)
		if err != nil {
			return fmt.Errorf("assigning clusters of %d docs: %w", len(docs), err)
		}
		for k, i := range idx {
			out[i].doc.ClusterID = ids[k]
		}
	}
	for i := range out {
		if errs[i] != nil {
			continue
		}
		v, err := json.Marshal(&out[i].doc)
		if err != nil {
			errs[i] = fmt.Errorf("encoding doc %s: %w", out[i].doc.ID, err)
			continue
		}
		out[i].msg.Value = v
	}
	return nil
}

// indexHandler decodes Docs and indexes them as one batch, which returns
// when the batch is persisted.
//
// Before writing it checks that the index's disk keeps minFree bytes free
// (a full disk makes bleve fail half way, or panic): below that the batch
// fails and is retried, the backlog grows and ingest answers 503. A panic
// inside the index is turned into a batch error too.
func indexHandler(ix *index.Index, dir string, minFree int64, poison prometheus.Counter, log *slog.Logger) handler {
	return func(ctx context.Context, msgs []bus.Message) (err error) {
		if err := checkFree(dir, minFree); err != nil {
			return err
		}
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("indexing %d docs: the index panicked: %v", len(msgs), p)
			}
		}()
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

// errDiskFull marks a batch refused because the index's disk is full.
var errDiskFull = errors.New("index disk full")

// checkFree returns errDiskFull when dir's file system has less than
// minFree bytes free (0: no check).
func checkFree(dir string, minFree int64) error {
	if minFree <= 0 {
		return nil
	}
	free, err := diskusage.Free(dir)
	if err != nil {
		return fmt.Errorf("checking free space of the index: %w", err)
	}
	if free < uint64(minFree) {
		return fmt.Errorf("%w: %d bytes free on %s, index.min_free_bytes is %d: free space or raise the volume; indexing resumes by itself", errDiskFull, free, dir, minFree)
	}
	return nil
}
