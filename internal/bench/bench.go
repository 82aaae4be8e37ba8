// Package bench measures yuqing end to end against the bare libraries it
// is built on, in one run so the ratio is meaningful on a noisy machine.
//
// Pipeline: posts go through the real HTTP ingest API of an embedded
// server (durable log, analysis stage, docs log, index stage) and the
// clock stops when the last one is searchable. Baseline: the same posts
// go straight into bleve batches with the same mapping, segmented inside
// bleve by a gse tokenizer that yields the same words and sub-words, with
// no pipeline around it.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/probe"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// Options size a run.
type Options struct {
	Docs    int // posts per measurement
	Chars   int // characters of text per post
	Batch   int // posts per ingest request / bleve batch
	Clients int // concurrent ingest clients
	Dir     string
	Sync    bool // fsync the embedded log (the default in production)
	// Progress receives a line per phase; nil discards.
	Progress io.Writer
}

// Result is one measurement.
type Result struct {
	Name   string
	Docs   int
	Took   time.Duration
	PerSec float64
}

func (r Result) String() string {
	return fmt.Sprintf("%-9s %8d docs %9.2fs %9.0f docs/s", r.Name, r.Docs, r.Took.Seconds(), r.PerSec)
}

// Posts generates the run's posts (deterministic), published in time
// order over one day like a live stream: the index is partitioned by day,
// and randomly dated posts would make every batch touch every partition
// (a backfill, measured separately in BENCHMARKS.md).
func Posts(o Options) []ingest.Post {
	start := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	g := synth.New(42, start, 0)
	posts := make([]ingest.Post, o.Docs)
	for i := range posts {
		posts[i] = g.Post(o.Chars)
		posts[i].PublishedAt = start.Add(time.Duration(i) * 24 * time.Hour / time.Duration(max(o.Docs, 1)))
		posts[i].IngestedAt = time.Now().UTC()
	}
	return posts
}

// Baseline indexes posts with bare bleve + gse: Batch.Index of each post
// with the same mapping, in batches of o.Batch.
func Baseline(posts []ingest.Post, o Options) (Result, error) {
	if _, err := analysis.Default(); err != nil {
		return Result{}, err
	}
	dir := filepath.Join(o.Dir, "baseline")
	idx, err := bleve.New(dir, baselineMapping())
	if err != nil {
		return Result{}, fmt.Errorf("creating baseline index: %w", err)
	}
	defer idx.Close()
	start := time.Now()
	for i := 0; i < len(posts); i += o.Batch {
		b := idx.NewBatch()
		for _, p := range posts[i:min(i+o.Batch, len(posts))] {
			src, _ := json.Marshal(struct {
				ingest.Post
				Text string `json:"text,omitempty"`
			}{Post: p})
			if err := b.Index(p.ID, map[string]any{
				"text": p.Text, "title": p.Title, "source": p.Source, "kind": p.Kind, "author": p.Author,
				"published_at": p.PublishedAt, "ingested_at": p.IngestedAt, "doc_json": string(src),
			}); err != nil {
				return Result{}, err
			}
		}
		if err := idx.Batch(b); err != nil {
			return Result{}, fmt.Errorf("baseline batch: %w", err)
		}

	}
	took := time.Since(start)
	n, _ := idx.DocCount()
	if int(n) != len(posts) {
		return Result{}, fmt.Errorf("baseline indexed %d of %d", n, len(posts))
	}
	return Result{Name: "baseline", Docs: len(posts), Took: took, PerSec: float64(len(posts)) / took.Seconds()}, nil
}

// BaselineAnalysed does the pipeline's work without the pipeline: the
// full analysis (Analyzer.Analyze, on every core) and index.Index batches
// of o.Batch into a fresh partitioned index, in one process with no HTTP,
// no bus, no durable logs and no shared state (so no repost clustering).
// The pipeline's ratio to it is the cost of the pipeline itself.
func BaselineAnalysed(ctx context.Context, posts []ingest.Post, o Options, an *analysis.Analyzer) (Result, error) {
	ix, err := index.Open(filepath.Join(o.Dir, "baseline-analysed"), nil)
	if err != nil {
		return Result{}, err
	}
	defer ix.Close()
	start := time.Now()
	workers := runtime.GOMAXPROCS(0)
	for i := 0; i < len(posts); i += o.Batch {
		batch := posts[i:min(i+o.Batch, len(posts))]
		docs := make([]analysis.Doc, len(batch))
		var wg sync.WaitGroup
		for k := range workers {
			wg.Go(func() {
				for j := k; j < len(batch); j += workers {
					docs[j] = an.Analyze(batch[j])
				}
			})
		}
		wg.Wait()
		if err := ix.Index(ctx, docs); err != nil {
			return Result{}, fmt.Errorf("baseline-analysed batch: %w", err)
		}
	}
	took := time.Since(start)
	return Result{Name: "analysed", Docs: len(posts), Took: took, PerSec: float64(len(posts)) / took.Seconds()}, nil
}

// baselineMapping is yuqing's mapping with text and title analysed into
// the same postings the pipeline indexes (words and their sub-words), so
// both sides do the same segmentation and indexing work.
func baselineMapping() *mapping.IndexMappingImpl {
	m := index.NewMapping()
	for _, f := range []string{"text", "title"} {
		for _, fm := range m.DefaultMapping.Properties[f].Fields {
			fm.Analyzer = analysis.IndexAnalyzerName
		}
	}
	return m
}

// Pipeline runs an embedded server and measures from the first ingest
// request to the last post being searchable.
func Pipeline(ctx context.Context, posts []ingest.Post, o Options) (Result, error) {
	cfg := configs.Default()
	cfg.DataDir = filepath.Join(o.Dir, "pipeline")
	cfg.Bus.Embedded.Sync = o.Sync
	base, stop, err := startEmbedded(ctx, cfg)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	bodies := ndjsonBatches(posts, o.Batch)
	start := time.Now()
	if err := send(ctx, base, bodies, o.Clients); err != nil {
		return Result{}, err
	}

	// Poll the cheap metric, not search: a match-all search every few ms
	// would cost the pipeline CPU the baseline does not pay.
	if err := probe.WaitIndexed(ctx, base, len(posts), len(posts), 10*time.Millisecond); err != nil {
		return Result{}, err
	}
	took := time.Since(start)
	return Result{Name: "pipeline", Docs: len(posts), Took: took, PerSec: float64(len(posts)) / took.Seconds()}, nil
}

// startEmbedded runs an embedded server with cfg on a free loopback port
// until stop is called, and returns its base URL once it is ready.
func startEmbedded(ctx context.Context, cfg configs.Config) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	a, err := app.New(cfg, app.Options{Listener: ln, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	runErr := make(chan error, 1)
	go func() { runErr <- a.Run(ctx) }()
	stop = func() { cancel(); <-runErr }
	base = "http://" + ln.Addr().String()
	if err := probe.WaitReady(ctx, base, 50*time.Millisecond); err != nil {
		stop()
		return "", nil, err
	}
	return base, stop, nil
}

func ndjsonBatches(posts []ingest.Post, size int) [][]byte {
	var out [][]byte
	for i := 0; i < len(posts); i += size {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for _, p := range posts[i:min(i+size, len(posts))] {
			p.IngestedAt = time.Time{} // set by the server
			enc.Encode(p)
		}
		out = append(out, b.Bytes())
	}
	return out
}

func send(ctx context.Context, base string, bodies [][]byte, clients int) error {
	work := make(chan []byte)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for body := range work {
				resp, err := http.Post(base+"/api/v1/ingest/posts", "application/x-ndjson", bytes.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					errs <- fmt.Errorf("ingest answered %s", resp.Status)
					return
				}
			}
		})
	}
	var err error
loop:
	for _, b := range bodies {
		select {
		case work <- b:
		case err = <-errs:
			break loop
		case <-ctx.Done():
			err = ctx.Err()
			break loop
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}
