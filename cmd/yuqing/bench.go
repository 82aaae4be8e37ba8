package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/bench"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure yuqing on this machine against the bare libraries",
	}
	cmd.AddCommand(newBenchPipelineCmd(), newBenchAnalysisCmd(), newBenchSearchCmd(), newBenchAlertCmd(), newBenchLoadCmd())
	return cmd
}

func newBenchPipelineCmd() *cobra.Command {
	var (
		o       bench.Options
		rounds  int
		noSync  bool
		cpuProf string
	)
	cmd := &cobra.Command{
		Use:   "pipeline",
		Short: "Sustained docs/s from ingest to searchable (embedded) vs bare gse+bleve batches",
		Long: `Generates synthetic Chinese posts (published in time order, like a live
stream), then in one run and alternating per round:
  baseline: bleve batches with yuqing's mapping and the gse tokenizer (words and
            sub-words), no pipeline — segmentation and indexing only;
  analysed: the full analysis (masking, classification, places, keywords,
            SimHash) on every core and index batches, in process, no pipeline;
  pipeline: an embedded server fed through the HTTP ingest API, timed until the
            last post is searchable (full analysis, repost clusters in the
            fsynced local state, two fsynced logs, the index).
Prints each round, the medians, pipeline/analysed (the cost of the pipeline)
and pipeline/baseline. Nothing is kept: it works in a temporary directory.`,
		Example: `  yuqing bench pipeline
  yuqing bench pipeline --docs 50000 --rounds 5 --chars 160`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Sync = !noSync
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
			fmt.Fprintf(out, "posts: %d of ~%d characters, batches of %d, %d clients, fsync %v\n", o.Docs, o.Chars, o.Batch, o.Clients, o.Sync)
			posts := bench.Posts(o)
			an, err := app.NewAnalyzer(configs.Default().Analysis)
			if err != nil {
				return err
			}
			var base, analysed, pipe []float64
			for r := 1; r <= rounds; r++ {
				dir, err := os.MkdirTemp("", "yuqing-bench-")
				if err != nil {
					return err
				}
				o.Dir = dir
				b, err := bench.Baseline(posts, o)
				var ba bench.Result
				if err == nil {
					ba, err = bench.BaselineAnalysed(cmd.Context(), posts, o, an)
				}
				if err == nil {
					fmt.Fprintf(out, "round %d: %s\nround %d: %s\n", r, b, r, ba)
					var p bench.Result
					stop := startCPUProfile(cpuProf, r)
					p, err = bench.Pipeline(cmd.Context(), posts, o)
					stop()
					if err == nil {
						fmt.Fprintf(out, "round %d: %s  (%.2f of analysed, %.2f of baseline)\n", r, p, p.PerSec/ba.PerSec, p.PerSec/b.PerSec)
						base, analysed, pipe = append(base, b.PerSec), append(analysed, ba.PerSec), append(pipe, p.PerSec)
					}
				}
				os.RemoveAll(dir)
				if err != nil {
					return err
				}
			}
			mb, ma, mp := median(base), median(analysed), median(pipe)
			fmt.Fprintf(out, "median: baseline %.0f docs/s, analysed %.0f docs/s, pipeline %.0f docs/s; pipeline/analysed %.2f, pipeline/baseline %.2f (%s)\n",
				mb, ma, mp, mp/ma, mp/mb, time.Now().UTC().Format(time.DateOnly))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Docs, "docs", 20000, "posts per round")
	f.IntVar(&o.Chars, "chars", 160, "characters of text per post")
	f.IntVar(&o.Batch, "batch", 500, "posts per request / bleve batch")
	f.IntVar(&o.Clients, "clients", 4, "concurrent ingest clients")
	f.IntVar(&rounds, "rounds", 3, "rounds (baseline and pipeline alternate)")
	f.BoolVar(&noSync, "no-sync", false, "do not fsync the embedded log")
	f.StringVar(&cpuProf, "cpuprofile", "", "write a CPU profile of the pipeline phase of each round to FILE.N")
	return cmd
}

func newBenchAnalysisCmd() *cobra.Command {
	var (
		o       bench.Options
		rounds  int
		cfgPath string
	)
	cmd := &cobra.Command{
		Use:   "analysis",
		Short: "Docs per CPU-second of the full analysis vs segmentation alone, and its memory",
		Long: `Generates synthetic Chinese posts and analyses them on one goroutine, per
round: segmentation alone (gse, words and sub-words) and the full analysis
(normalisation, personal-data masking, segmentation, keywords, categories,
sentiment, risk, places, SimHash). Figures are docs per CPU-second of the
process (user+system, so garbage collection counts), medians over rounds,
and the live heap with the analyzer loaded.`,
		Example: `  yuqing bench analysis
  yuqing bench analysis --docs 20000 --rounds 5 --config configs/yuqing.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			cfg, err := configs.Load(cfgPath)
			if err != nil {
				return err
			}
			heap0 := bench.HeapInUse()
			an, err := app.NewAnalyzer(cfg.Analysis)
			if err != nil {
				return err
			}
			seg, err := analysis.Default()
			if err != nil {
				return err
			}
			heap := bench.HeapInUse() - heap0
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
			fmt.Fprintf(out, "posts: %d of ~%d characters; analyzer heap %.0f MB\n", o.Docs, o.Chars, float64(heap)/(1<<20))
			posts := bench.Posts(o)
			var segs, fulls []float64
			for r := 1; r <= rounds; r++ {
				s, f := bench.Analysis(posts, an, seg)
				fmt.Fprintf(out, "round %d: %s\nround %d: %s  (%.2f of segmentation)\n", r, s, r, f, f.PerCPUSec/s.PerCPUSec)
				segs, fulls = append(segs, s.PerCPUSec), append(fulls, f.PerCPUSec)
			}
			fmt.Fprintf(out, "median: segmentation %.0f docs/CPU-s, full analysis %.0f docs/CPU-s (%s)\n",
				median(segs), median(fulls), time.Now().UTC().Format(time.DateOnly))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Docs, "docs", 10000, "posts per round")
	f.IntVar(&o.Chars, "chars", 160, "characters of text per post")
	f.IntVar(&rounds, "rounds", 3, "rounds")
	f.StringVar(&cfgPath, "config", "", "YAML config whose analysis section (dictionaries, model) to use")
	return cmd
}

func newBenchSearchCmd() *cobra.Command {
	var (
		o    bench.SearchOptions
		keep bool
	)
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Index a million generated posts over 30 days, then time searches, collapse and histograms",
		Long: `Generates --docs posts over 30 days (Zipf over gse's 60,000 most common words
plus public-safety vocabulary, 20% reposts), analyses them into a docs file
(not timed), indexes them into a day-partitioned index in batches, timing
only the index calls (decoding included, like the index stage), then runs
--queries queries of each kind and prints p50/p99 latencies, the index size
on disk and the peak resident memory of the process. Needs a few GB of disk
for a million posts; works in a temporary directory unless --dir is given.`,
		Example: `  yuqing bench search
  yuqing bench search --docs 100000 --queries 100
  yuqing bench search --dir /var/tmp/yq-bench --keep`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if o.Dir == "" {
				dir, err := os.MkdirTemp("", "yuqing-bench-search-")
				if err != nil {
					return err
				}
				o.Dir = dir
			}
			if !keep {
				defer os.RemoveAll(o.Dir)
			}
			o.Progress = cmd.ErrOrStderr()
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
			r, err := bench.Search(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "docs: %d over 30 days, batches of %d, %d partitions\n", r.Docs, o.Batch, r.Partitions)
			fmt.Fprintf(out, "indexing: %.0f docs/s over the whole run (%s), slowest tenth %.0f docs/s\n", r.PerSec, r.IndexTook.Round(time.Second), r.SlowestTenth)
			fmt.Fprintf(out, "term + last 7 days + facets(category,source): %s\n", r.Term7dFacets)
			fmt.Fprintf(out, "term + last 7 days, collapse by cluster:      %s\n", r.Collapse)
			fmt.Fprintf(out, "histogram, 30 days by hour:                    %s\n", r.Histogram30d)
			fmt.Fprintf(out, "next page via cursor, 30 days, pages 2-10:     %s\n", r.CursorPage)
			fmt.Fprintf(out, "index on disk: %.2f GB (%.0f bytes/doc)\n", float64(r.IndexBytes)/1e9, float64(r.IndexBytes)/float64(max(r.Docs, 1)))
			fmt.Fprintf(out, "memory: peak anonymous RSS %.2f GiB, peak Go heap %.2f GiB, peak RSS incl. mapped index files %.2f GiB (%s)\n",
				float64(r.PeakAnon)/(1<<30), float64(r.PeakHeap)/(1<<30), float64(r.PeakRSS)/(1<<30), time.Now().UTC().Format(time.DateOnly))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Docs, "docs", 1000000, "posts to generate and index")
	f.IntVar(&o.Batch, "batch", 1000, "docs per index batch")
	f.IntVar(&o.Queries, "queries", 200, "queries of each kind")
	f.StringVar(&o.Dir, "dir", "", "work directory (default: a temporary one)")
	f.BoolVar(&keep, "keep", false, "keep the work directory")
	return cmd
}

func newBenchAlertCmd() *cobra.Command {
	var o bench.AlertOptions
	cmd := &cobra.Command{
		Use:   "alert",
		Short: "Time from ingest to a P1 alert at a webhook, under background load",
		Long: `Runs an embedded server with one P1 rule (group_wait 0) delivering to a webhook
on a local HTTP server, feeds it --background posts/s of ordinary posts, and
sends --probes posts that fire the rule, each a new incident. A probe's
latency runs from its ingest request returning (the post is durable) to the
webhook receiving its alert. Prints p50 and p99.`,
		Example: `  yuqing bench alert
  yuqing bench alert --background 1000 --probes 200`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "yuqing-bench-alert-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			o.Dir = dir
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
			l, err := bench.AlertLatency(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "ingest → webhook, P1 rule, group_wait 0, %d background posts/s: %s (%s)\n",
				o.Background, l, time.Now().UTC().Format(time.DateOnly))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Background, "background", 1000, "background posts per second")
	f.IntVar(&o.Probes, "probes", 100, "probe posts that fire the rule")
	f.DurationVar(&o.Every, "every", 200*time.Millisecond, "time between probes")
	return cmd
}

func newBenchLoadCmd() *cobra.Command {
	var (
		o              bench.LoadBenchOptions
		mode           string
		asJSON, noShip bool
		loadProf       string
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Load a server at a steady rate: throughput, ingest→searchable and ingest→alert latency, embedded vs distributed",
		Long: `Generates synthetic Chinese posts at --rate posts/s for --duration (batches of
--batch from --clients senders, paced so the rate does not drift), either
to the ingest API (a 503 is counted and retried after Retry-After) or
straight to the raw topic on Kafka (--target kafka, distributed only).
Every 100 ms a marker post with a unique author is sent and searched for
until found (ingest → searchable); every 500 ms a post firing a P1 probe
rule (webhook on a local HTTP server) times ingest → alert.

Without --server it starts what --mode says, loads it at each rate, and
stops it: embedded is one in-process server (fsynced local log);
distributed is kfake in this process, a redis-server child, and yuqing
children of this binary: index, N analyze replicas (once per --analyzers
value), alert, api+collect. both runs embedded then distributed, so the
ratios come from one run on one machine. The shipped rules (--rules) run
alongside the probe rule.

Reports, per system and rate: accepted posts/s, records indexed per second
over the steady part (after the first fifth), how long the backlog took
to drain, latency p50/p90/p99, refusals, and the peak RSS (VmHWM) of the
server processes (embedded: this process, load generator included).
Progress goes to stderr every 10 s; the table (or --json) to stdout.`,
		Example: `  yuqing bench load --mode both --analyzers 1,2 --rate 1500 --duration 60s
  yuqing bench load --mode embedded --rate 500,3000 --duration 30s
  yuqing bench load --mode distributed --analyzers 2 --target kafka --json
  yuqing bench load --server http://127.0.0.1:8080 --rate 1000 --duration 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			switch mode {
			case "both":
				o.Modes = []string{bench.ModeEmbedded, bench.ModeDistributed}
			case bench.ModeEmbedded, bench.ModeDistributed:
				o.Modes = []string{mode}
			default:
				return fmt.Errorf("--mode: %q is not embedded, distributed or both", mode)
			}
			if noShip {
				o.ShippedRules = ""
			}
			defer startCPUProfile(loadProf, 0)()
			bin, err := os.Executable()
			if err != nil {
				return fmt.Errorf("finding this executable: %w", err)
			}
			dir, err := os.MkdirTemp("", "yuqing-bench-load-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			o.Binary, o.Dir, o.Load.Progress = bin, dir, cmd.ErrOrStderr()
			out := cmd.OutOrStdout()
			reps, err := bench.LoadBench(ctx, o)
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(reps); jerr != nil {
					return jerr
				}
				return err
			}
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s; %s of load per rate, batches of %d, %d clients, target %s (%s)\n",
				runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), o.Load.Duration, o.Load.Batch,
				o.Load.Clients, o.Load.Target, time.Now().UTC().Format(time.DateOnly))
			bench.WriteLoadTable(out, reps)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "both", "embedded, distributed or both (without --server)")
	f.IntSliceVar(&o.Rates, "rate", []int{2000}, "offered posts per second; several values load each system at each")
	f.DurationVar(&o.Load.Duration, "duration", 60*time.Second, "how long to send at each rate")
	f.IntSliceVar(&o.Analyzers, "analyzers", []int{1, 2}, "analyze replicas in distributed mode; one run per value")
	f.StringVar(&o.Load.Target, "target", bench.TargetAPI, "api (HTTP ingest) or kafka (raw topic)")
	f.StringVar(&o.Server, "server", "", "load this running server instead of starting one")
	f.StringVar(&o.Metrics, "metrics", "", "with --server: base URL of the process running the index role (default --server)")
	f.StringSliceVar(&o.Brokers, "brokers", nil, "with --server and --target kafka: Kafka seed brokers")
	f.StringVar(&o.RawTopic, "raw-topic", "yuqing.raw", "with --server and --target kafka: the raw topic")
	f.IntVar(&o.Load.Batch, "batch", 100, "posts per request")
	f.IntVar(&o.Load.Clients, "clients", 4, "concurrent senders")
	f.IntVar(&o.Load.Chars, "chars", 160, "characters of text per post")
	f.DurationVar(&o.Load.MarkerEvery, "marker-every", 100*time.Millisecond, "time between searchable markers")
	f.DurationVar(&o.Load.AlertEvery, "alert-every", 500*time.Millisecond, "time between alert markers (0: none)")
	f.DurationVar(&o.Load.DrainTimeout, "drain-timeout", 2*time.Minute, "how long to wait for the backlog and the markers after sending")
	f.Int64Var(&o.MaxBacklog, "max-backlog", 0, "ingest.max_backlog of the started servers (0: the default)")
	f.StringVar(&o.ShippedRules, "rules", "configs/rules", "rule files to run alongside the probe rule")
	f.BoolVar(&noShip, "no-rules", false, "run the probe rule only")
	f.BoolVar(&o.NoSync, "no-sync", false, "do not fsync the embedded log (kfake keeps its log in memory)")
	f.BoolVar(&asJSON, "json", false, "print the reports as JSON")
	f.StringVar(&loadProf, "cpuprofile", "", "write a CPU profile of this process (in embedded mode: the server and the load) to FILE.0")
	return cmd
}

// startCPUProfile profiles until the returned func is called; with an
// empty path it does nothing.
func startCPUProfile(path string, round int) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", path, round))
	if err != nil {
		slog.Warn("cpuprofile", "err", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		slog.Warn("cpuprofile", "err", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
