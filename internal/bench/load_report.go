package bench

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Percentiles summarise latencies in milliseconds; Missing counts
// markers never observed before the drain timeout.
type Percentiles struct {
	N       int     `json:"n"`
	Missing int     `json:"missing"`
	P50     float64 `json:"p50_ms"`
	P90     float64 `json:"p90_ms"`
	P99     float64 `json:"p99_ms"`
	Max     float64 `json:"max_ms"`
}

func (p Percentiles) String() string {
	if p.N == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f/%.0f/%.0f ms", p.P50, p.P90, p.P99)
}

func percentiles(ds []time.Duration, missing int) Percentiles {
	s := slices.Clone(ds)
	slices.Sort(s)
	p := Percentiles{N: len(s), Missing: missing}
	if len(s) == 0 {
		return p
	}
	at := func(q int) float64 { return msOf(s[min(len(s)-1, (len(s)*q+99)/100-1)]) }
	p.P50, p.P90, p.P99, p.Max = at(50), at(90), at(99), msOf(s[len(s)-1])
	return p
}

// WriteLoadTable prints reps as a table, then, per rate, each system's
// throughput and median latencies relative to the first system loaded at
// that rate (embedded, when LoadBench ran it first).
func WriteLoadTable(w io.Writer, reps []LoadReport) {
	fmt.Fprintf(w, "%-15s %6s %8s %10s %8s %22s %22s %6s %10s\n",
		"system", "rate", "sent/s", "indexed/s", "drain", "searchable p50/p90/p99", "alert p50/p90/p99", "503s", "peak RSS")
	for _, r := range reps {
		drain := "timeout"
		if r.DrainSeconds >= 0 {
			drain = fmt.Sprintf("%.1fs", r.DrainSeconds)
		}
		var rss int64
		for _, v := range r.PeakRSS {
			rss += v
		}
		fmt.Fprintf(w, "%-15s %6d %8.0f %10.0f %8s %22s %22s %6d %7.0f MB\n", r.System, r.Rate, r.SentRate, r.Throughput,
			drain, r.Searchable, r.Alert, r.Refusals, float64(rss)/(1<<20))
		if r.Searchable.Missing+r.Alert.Missing > 0 {
			fmt.Fprintf(w, "%-15s %6s   markers never observed: %d searchable, %d alert\n", "", "", r.Searchable.Missing, r.Alert.Missing)
		}
	}
	first := map[int]LoadReport{}
	for _, r := range reps {
		b, ok := first[r.Rate]
		if !ok {
			first[r.Rate] = r
			continue
		}
		fmt.Fprintf(w, "%s / %s at %d/s: indexed/s %.2f, searchable p50 %.2f, alert p50 %.2f\n", r.System, b.System, r.Rate,
			ratio(r.Throughput, b.Throughput), ratio(r.Searchable.P50, b.Searchable.P50), ratio(r.Alert.P50, b.Alert.P50))
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// markers tracks probe posts from the moment they were accepted to the
// moment they were observed (searchable, or alerted).
type markers struct {
	mu    sync.Mutex
	sent  map[string]time.Time
	found map[string]time.Duration
}

func newMarkers() *markers {
	return &markers{sent: map[string]time.Time{}, found: map[string]time.Duration{}}
}

func (m *markers) Sent(key string, at time.Time) {
	m.mu.Lock()
	m.sent[key] = at
	m.mu.Unlock()
}

// Found records key as observed at; the first observation counts.
func (m *markers) Found(key string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.sent[key]; ok {
		if _, done := m.found[key]; !done {
			m.found[key] = at.Sub(t)
		}
	}
}

// Outstanding returns up to n keys sent and not yet found, oldest first.
func (m *markers) Outstanding(n int) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.sent {
		if _, ok := m.found[k]; !ok {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return m.sent[a].Compare(m.sent[b]) })
	return out[:min(n, len(out))]
}

func (m *markers) Result() Percentiles {
	m.mu.Lock()
	defer m.mu.Unlock()
	ds := make([]time.Duration, 0, len(m.found))
	for _, d := range m.found {
		ds = append(ds, d)
	}
	return percentiles(ds, len(m.sent)-len(m.found))
}
