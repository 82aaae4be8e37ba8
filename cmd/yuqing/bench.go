package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
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
	cmd.AddCommand(newBenchPipelineCmd(), newBenchAnalysisCmd())
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
		Long: `Generates synthetic Chinese posts, then in one run and alternating per round:
  baseline: bleve batches with yuqing's mapping and the gse tokenizer, no pipeline;
  pipeline: an embedded server fed through the HTTP ingest API, timed until the
            last post is searchable.
Prints each round, the medians and pipeline/baseline. Nothing is kept: it
works in a temporary directory.`,
		Example: `  yuqing bench pipeline
  yuqing bench pipeline --docs 50000 --rounds 5 --chars 160`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Sync = !noSync
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
			fmt.Fprintf(out, "posts: %d of ~%d characters, batches of %d, %d clients, fsync %v\n", o.Docs, o.Chars, o.Batch, o.Clients, o.Sync)
			posts := bench.Posts(o)
			var base, pipe []float64
			for r := 1; r <= rounds; r++ {
				dir, err := os.MkdirTemp("", "yuqing-bench-")
				if err != nil {
					return err
				}
				o.Dir = dir
				b, err := bench.Baseline(posts, o)
				if err == nil {
					fmt.Fprintf(out, "round %d: %s\n", r, b)
					var p bench.Result
					stop := startCPUProfile(cpuProf, r)
					p, err = bench.Pipeline(cmd.Context(), posts, o)
					stop()
					if err == nil {
						fmt.Fprintf(out, "round %d: %s  (ratio %.2f)\n", r, p, p.PerSec/b.PerSec)
						base, pipe = append(base, b.PerSec), append(pipe, p.PerSec)
					}
				}
				os.RemoveAll(dir)
				if err != nil {
					return err
				}
			}
			mb, mp := median(base), median(pipe)
			fmt.Fprintf(out, "median: baseline %.0f docs/s, pipeline %.0f docs/s, pipeline/baseline %.2f (%s)\n",
				mb, mp, mp/mb, time.Now().UTC().Format(time.DateOnly))
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
