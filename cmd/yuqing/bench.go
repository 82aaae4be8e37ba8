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

	"github.com/yuqing-dev/yuqing/internal/bench"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure yuqing on this machine against the bare libraries",
	}
	cmd.AddCommand(newBenchPipelineCmd())
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
