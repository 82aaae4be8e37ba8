package bench

import (
	"fmt"
	"runtime"
	"syscall"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
)

// AnalysisResult is one measurement of analysis speed in docs per
// CPU-second (process user+system time, one goroutine).
type AnalysisResult struct {
	Name       string
	Docs       int
	CPU        time.Duration
	PerCPUSec  float64
	AllocBytes uint64 // bytes allocated per doc
}

func (r AnalysisResult) String() string {
	return fmt.Sprintf("%-14s %7d docs %7.2f CPU-s %9.0f docs/CPU-s %7d B/doc allocated", r.Name, r.Docs, r.CPU.Seconds(), r.PerCPUSec, r.AllocBytes)
}

// Analysis measures, on one goroutine, segmentation alone (what the
// skeleton did: IndexTokens) and the full analysis (Analyzer.Analyze:
// normalisation, masking, segmentation, keywords, classification, places,
// SimHash). Both run the same posts after a warm-up.
func Analysis(posts []ingest.Post, an *analysis.Analyzer, seg *analysis.Segmenter) (segOnly, full AnalysisResult) {
	warm := min(len(posts), 200)
	for _, p := range posts[:warm] {
		an.Analyze(p)
	}
	segOnly = measureCPU("segmentation", posts, func(p ingest.Post) {
		seg.IndexTokens(p.Text)
	})
	full = measureCPU("full analysis", posts, func(p ingest.Post) {
		an.Analyze(p)
	})
	return segOnly, full
}

func measureCPU(name string, posts []ingest.Post, f func(ingest.Post)) AnalysisResult {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0 := cpuTime()
	for _, p := range posts {
		f(p)
	}
	cpu := cpuTime() - c0
	runtime.ReadMemStats(&m1)
	return AnalysisResult{Name: name, Docs: len(posts), CPU: cpu, PerCPUSec: float64(len(posts)) / cpu.Seconds(),
		AllocBytes: (m1.TotalAlloc - m0.TotalAlloc) / uint64(len(posts))}
}

// cpuTime is the process's user+system CPU time (it includes the garbage
// collector's work on other threads, which is part of the cost).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// HeapInUse is the live heap after a collection: with the analyzer loaded
// it is the analysis stage's resident cost (dictionaries, IDF table,
// gazetteer, rules).
func HeapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
