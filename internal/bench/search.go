package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/internal/diskusage"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// SearchOptions size the search benchmark.
type SearchOptions struct {
	Docs    int    // documents to generate and index
	Batch   int    // docs per index batch
	Queries int    // queries per kind
	Dir     string // work directory (docs file and index)
	// Progress receives a line per phase and every 100k docs; nil discards.
	Progress io.Writer
}

// Latencies are the p50 and p99 of one kind of query.
type Latencies struct {
	N        int
	P50, P99 time.Duration
}

func (l Latencies) String() string {
	return fmt.Sprintf("p50 %7.1f ms   p99 %7.1f ms   (%d measurements)", msOf(l.P50), msOf(l.P99), l.N)
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func latencies(ds []time.Duration) Latencies {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return Latencies{}
	}
	return Latencies{N: len(s), P50: s[len(s)/2], P99: s[min(len(s)-1, (len(s)*99+99)/100-1)]}
}

// SearchReport is what the search benchmark measured.
type SearchReport struct {
	Docs        int
	AnalyzeTook time.Duration
	IndexTook   time.Duration
	// PerSec is docs/s over the whole indexing; SlowestTenth is docs/s
	// of the slowest tenth (merges included).
	PerSec, SlowestTenth float64
	Partitions           int
	IndexBytes           int64
	// PeakRSS is the process's peak resident set (VmHWM), which counts
	// the index files bleve maps and touches; PeakAnon is the peak of the
	// anonymous part (heap, stacks), sampled every 250 ms; PeakHeap the
	// peak Go heap in use.
	PeakRSS, PeakAnon, PeakHeap int64
	Term7dFacets                Latencies
	Collapse                    Latencies
	Histogram30d                Latencies
	CursorPage                  Latencies
}

// Search generates o.Docs posts over 30 days (synth.Corpus, in time order
// like a live stream, so a batch touches one or two day partitions),
// analyses
// them in parallel into a docs file (not timed as indexing), indexes them
// with a day-partitioned index in batches, timing only the index calls
// (decode included, like the index stage), then measures queries.
func Search(ctx context.Context, o SearchOptions) (SearchReport, error) {
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	rep := SearchReport{Docs: o.Docs}
	stopSampling := sampleMemory(&rep)
	defer stopSampling()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	start := end.Add(-30 * 24 * time.Hour)
	docsPath := filepath.Join(o.Dir, "docs.ndjson")

	t0 := time.Now()
	if err := analyzeToFile(ctx, docsPath, o.Docs, start, end.Sub(start), progress); err != nil {
		return rep, err
	}
	rep.AnalyzeTook = time.Since(t0)
	fmt.Fprintf(progress, "analysed %d docs in %s\n", o.Docs, rep.AnalyzeTook.Round(time.Second))

	ix, err := index.OpenWith(filepath.Join(o.Dir, "index"), index.Options{Now: func() time.Time { return end }}, nil)
	if err != nil {
		return rep, err
	}
	defer ix.Close()
	if err := indexFile(ctx, ix, docsPath, o.Batch, &rep, progress); err != nil {
		return rep, err
	}
	rep.Partitions = len(ix.Partitions())
	rep.IndexBytes = diskusage.Dir(filepath.Join(o.Dir, "index"))
	fmt.Fprintf(progress, "indexed in %s: %.0f docs/s, slowest tenth %.0f docs/s, %d partitions, %.2f GB on disk\n",
		rep.IndexTook.Round(time.Second), rep.PerSec, rep.SlowestTenth, rep.Partitions, float64(rep.IndexBytes)/1e9)

	words := queryWords(o.Queries)
	run := func(name string, f func(i int) error) (Latencies, error) {
		var ds []time.Duration
		for i := range o.Queries {
			t := time.Now()
			if err := f(i); err != nil {
				return Latencies{}, fmt.Errorf("%s query %d: %w", name, i, err)
			}
			ds = append(ds, time.Since(t))
		}
		l := latencies(ds)
		fmt.Fprintf(progress, "%-34s %s\n", name, l)
		return l, nil
	}
	// Warm the partitions once (first searches open segment files).
	ix.Search(ctx, index.Request{Q: "time:>now-30d", Now: end})
	if rep.Term7dFacets, err = run("term + last 7 days + facets", func(i int) error {
		_, err := ix.Search(ctx, index.Request{Q: words[i] + " time:>now-7d", Facets: []string{"category", "source"}, Now: end})
		return err
	}); err != nil {
		return rep, err
	}
	if rep.Collapse, err = run("term + last 7 days, collapse cluster", func(i int) error {
		_, err := ix.Search(ctx, index.Request{Q: words[i] + " time:>now-7d", Collapse: index.CollapseCluster, Now: end})
		return err
	}); err != nil {
		return rep, err
	}
	if rep.Histogram30d, err = run("histogram 30 days, 1h, term", func(i int) error {
		_, err := ix.Histogram(ctx, index.HistogramRequest{Q: words[i], From: start, To: end, Interval: index.IntervalHour, Now: end})
		return err
	}); err != nil {
		return rep, err
	}
	// Deep paging: pages 2..10 of a term over all 30 days, each page
	// fetched with the previous page's cursor; latency per page.
	var pageTimes []time.Duration
	for i := range o.Queries {
		after := ""
		for p := range 10 {
			t := time.Now()
			res, err := ix.Search(ctx, index.Request{Q: words[i], After: after, Now: end})
			if err != nil {
				return rep, fmt.Errorf("cursor query %d: %w", i, err)
			}
			if p > 0 {
				pageTimes = append(pageTimes, time.Since(t))
			}
			if res.Next == "" {
				break
			}
			after = res.Next
		}
	}
	rep.CursorPage = latencies(pageTimes)
	fmt.Fprintf(progress, "%-34s %s\n", "one page deeper via cursor, 30 days", rep.CursorPage)
	stopSampling()
	rep.PeakRSS = peakRSS()
	return rep, nil
}

// queryWords picks query terms the way analysts' queries spread: words of
// ranks 20–3,000 of the corpus vocabulary (frequent enough to match many
// docs, rare enough to be a real filter), deterministic.
func queryWords(n int) []string {
	v := synth.BigVocabulary()
	rng := rand.New(rand.NewPCG(3, 5))
	out := make([]string, n)
	for i := range out {
		out[i] = v[20+rng.IntN(min(2980, len(v)-20))]
	}
	return out
}

// analyzeToFile generates and analyses n posts in parallel and writes the
// Docs as NDJSON, in generation order. Clusters are assigned the way the
// stage would for exact reposts: the first doc with the same SimHash.
func analyzeToFile(ctx context.Context, path string, n int, start time.Time, span time.Duration, progress io.Writer) error {
	seg, err := analysis.Default()
	if err != nil {
		return err
	}
	an, err := analysis.NewAnalyzer(seg)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	corpus := synth.NewCorpus(42, start, span).InOrder(n)
	first := map[string]string{}
	const chunk = 4096
	workers := runtime.GOMAXPROCS(0)
	for done := 0; done < n; done += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := min(chunk, n-done)
		posts := make([]analysis.Doc, m)
		for i := range posts {
			posts[i].Post = corpus.Post()
		}
		var wg sync.WaitGroup
		for k := range workers {
			wg.Go(func() {
				for i := k; i < m; i += workers {
					posts[i] = an.Analyze(posts[i].Post)
				}
			})
		}
		wg.Wait()
		for i := range posts {
			d := &posts[i]
			if id, ok := first[d.SimHash]; ok && d.SimHash != "0000000000000000" {
				d.ClusterID = id
			} else {
				first[d.SimHash], d.ClusterID = d.ID, d.ID
			}
			js, err := json.Marshal(d)
			if err != nil {
				return err
			}
			w.Write(js)
			w.WriteByte('\n')
		}
		if (done/chunk)%25 == 24 {
			fmt.Fprintf(progress, "  analysed %d\n", done+m)
		}
	}
	return w.Flush()
}

// indexFile indexes the docs file in batches, timing decode + Index.
func indexFile(ctx context.Context, ix *index.Index, path string, batch int, rep *SearchReport, progress io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var lines [][]byte
	var took time.Duration
	tenth := max(rep.Docs/10, 1)
	var tenthTook time.Duration
	tenthDocs, done := 0, 0
	slowest := 0.0
	flush := func() error {
		t := time.Now()
		docs := make([]analysis.Doc, len(lines))
		for i, l := range lines {
			if err := json.Unmarshal(l, &docs[i]); err != nil {
				return err
			}
		}
		if err := ix.Index(ctx, docs); err != nil {
			return err
		}
		d := time.Since(t)
		took += d
		tenthTook += d
		tenthDocs += len(docs)
		done += len(docs)
		if tenthDocs >= tenth {
			r := float64(tenthDocs) / tenthTook.Seconds()
			if slowest == 0 || r < slowest {
				slowest = r
			}
			fmt.Fprintf(progress, "  indexed %d (%.0f docs/s over the last %d)\n", done, r, tenthDocs)
			tenthDocs, tenthTook = 0, 0
		}
		lines = lines[:0]
		return nil
	}
	for sc.Scan() {
		lines = append(lines, slices.Clone(sc.Bytes()))
		if len(lines) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(lines) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	rep.IndexTook = took
	rep.PerSec = float64(done) / took.Seconds()
	rep.SlowestTenth = slowest
	return nil
}

// peakRSS is the process's peak resident memory (VmHWM), in bytes.
func peakRSS() int64 { return procStatus("VmHWM:") }

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(field string) int64 { return procStatusOf("self", field) }

// sampleMemory records the peaks of anonymous RSS and Go heap every 250 ms
// until the returned func is called (more than once is fine).
func sampleMemory(rep *SearchReport) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			rep.PeakAnon = max(rep.PeakAnon, procStatus("RssAnon:"))
			runtime.ReadMemStats(&ms)
			rep.PeakHeap = max(rep.PeakHeap, int64(ms.HeapInuse))
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(stop); <-done }) }
}
