package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"
)

func progressOf(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// AlertHook is a webhook receiver on a local HTTP server: each alert it
// receives marks the alert marker named by the alert's author label as
// observed.
type AlertHook struct {
	srv *httptest.Server
	mu  sync.Mutex
	m   *markers
}

// NewAlertHook starts the receiver; Close stops it.
func NewAlertHook() *AlertHook {
	h := &AlertHook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var p struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		json.NewDecoder(r.Body).Decode(&p)
		h.mu.Lock()
		m := h.m
		h.mu.Unlock()
		for _, a := range p.Alerts {
			if m != nil {
				m.Found(a.Labels["author"], at)
			}
		}
	}))
	return h
}

// URL is where alerts are to be posted.
func (h *AlertHook) URL() string { return h.srv.URL }

// Close stops the receiver.
func (h *AlertHook) Close() { h.srv.Close() }

func (h *AlertHook) observe(m *markers) {
	h.mu.Lock()
	h.m = m
	h.mu.Unlock()
}

// probeRule fires on alert markers: P1, one incident per author, no
// group wait, delivered to the "hook" receiver.
const probeRule = `id: load-probe
name: 延迟探针
severity: P1
type: any
match: '延迟探针 AND 火灾'
group_by: [author]
group_wait: 0s
realert: 1h
receivers: [hook]
`

// WriteLoadRules fills dir with the top-level rule files of shipped (if
// it exists; "" for none) and the probe rule.
func WriteLoadRules(dir, shipped string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if shipped != "" {
		files, _ := filepath.Glob(filepath.Join(shipped, "*.yaml"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, "zz-load-probe.yaml"), []byte(probeRule), 0o644)
}

// LoadBenchOptions say what LoadBench starts and how it loads it.
type LoadBenchOptions struct {
	Modes     []string // ModeEmbedded and/or ModeDistributed, run in this order
	Analyzers []int    // analyze replicas; distributed runs once per value
	Rates     []int    // offered posts/s; each system is loaded at each rate
	Load      LoadOptions
	// Server, when set, is loaded instead of starting anything (Metrics:
	// the base URL counting the index stage, default Server; Brokers and
	// RawTopic for target kafka).
	Server, Metrics string
	Brokers         []string
	RawTopic        string
	Binary          string // the yuqing executable, for distributed mode
	ShippedRules    string // rule files to run alongside the probe rule
	MaxBacklog      int64
	NoSync          bool   // embedded log not fsynced
	Dir             string // work directory
}

// LoadBench starts each system in turn (embedded in process, then
// distributed with each analyzer count), loads it at each rate, records
// its processes' peak RSS and stops it. Against o.Server it only loads
// (no alert latencies: it cannot install the probe rule).
func LoadBench(ctx context.Context, o LoadBenchOptions) ([]LoadReport, error) {
	progress := progressOf(o.Load.Progress)
	if o.Server != "" {
		sys := &System{Name: "server", API: o.Server, Index: o.Metrics, Brokers: o.Brokers, RawTopic: o.RawTopic}
		if sys.Index == "" {
			sys.Index = o.Server
		}
		return loadAtRates(ctx, sys, nil, o)
	}
	hook := NewAlertHook()
	defer hook.Close()
	rules := filepath.Join(o.Dir, "rules")
	if err := WriteLoadRules(rules, o.ShippedRules); err != nil {
		return nil, fmt.Errorf("writing rules: %w", err)
	}
	so := SystemOptions{Dir: o.Dir, RulesDir: rules, HookURL: hook.URL(), MaxBacklog: o.MaxBacklog,
		Binary: o.Binary, NoSync: o.NoSync, Progress: progress}
	var all []LoadReport
	for _, mode := range o.Modes {
		counts := []int{0}
		if mode == ModeDistributed {
			counts = o.Analyzers
		}
		for _, n := range counts {
			var (
				sys *System
				err error
			)
			switch mode {
			case ModeEmbedded:
				if o.Load.Target == TargetKafka {
					return all, errors.New("target kafka needs distributed mode (embedded has no Kafka)")
				}
				sys, err = StartEmbeddedSystem(ctx, so)
			case ModeDistributed:
				so.Analyzers = n
				sys, err = StartDistributed(ctx, so)
			default:
				err = fmt.Errorf("unknown mode %q (embedded or distributed)", mode)
			}
			if err != nil {
				return all, err
			}
			reps, err := loadAtRates(ctx, sys, hook, o)
			rss := sys.PeakRSS()
			for i := range reps {
				reps[i].PeakRSS = rss
			}
			all = append(all, reps...)
			fmt.Fprintf(progress, "%s: stopping\n", sys.Name)
			if serr := sys.Stop(); err == nil && serr != nil {
				fmt.Fprintf(progress, "%s: stopping: %v\n", sys.Name, serr)
			}
			if err != nil {
				return all, fmt.Errorf("loading %s: %w", sys.Name, err)
			}
		}
	}
	return all, nil
}

func loadAtRates(ctx context.Context, sys *System, hook *AlertHook, o LoadBenchOptions) ([]LoadReport, error) {
	var reps []LoadReport
	for _, rate := range o.Rates {
		lo := o.Load
		lo.Rate = rate
		fmt.Fprintf(progressOf(lo.Progress), "%s: offering %d posts/s for %s (target %s)\n", sys.Name, rate, lo.Duration, lo.Target)
		rep, err := Load(ctx, sys, hook, lo)
		if err != nil {
			return reps, err
		}
		reps = append(reps, rep)
	}
	return reps, nil
}
