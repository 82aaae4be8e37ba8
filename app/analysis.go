package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/classify"
	"github.com/yuqing-dev/yuqing/analysis/model"
	"github.com/yuqing-dev/yuqing/configs"
)

// NewAnalyzer builds the analyzer a config describes: the process-wide
// segmenter with the configured dictionaries, the default rules combined
// with the trained model when one is configured. yuqing serve and yuqing
// analyze share it, so both analyse alike.
func NewAnalyzer(cfg configs.Analysis) (*analysis.Analyzer, error) {
	if err := setDicts(cfg); err != nil {
		return nil, err
	}
	seg, err := analysis.Default()
	if err != nil {
		return nil, err
	}
	cls, err := classify.Default()
	if err != nil {
		return nil, fmt.Errorf("loading default classifier: %w", err)
	}
	if cfg.Model != "" {
		f, err := os.Open(cfg.Model)
		if err != nil {
			return nil, fmt.Errorf("analysis.model: %w", err)
		}
		m, err := model.Load(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("analysis.model %s: %w", cfg.Model, err)
		}
		cls = model.Combine(cls, m)
	}
	return analysis.NewAnalyzer(seg, analysis.WithClassifier(cls))
}

func setDicts(cfg configs.Analysis) error {
	srcs, err := cfg.ReadDicts()
	if err != nil {
		return err
	}
	files := make([]analysis.DictFile, len(srcs))
	for i, s := range srcs {
		files[i] = analysis.DictFile{Name: s.Name, Data: s.Data}
	}
	return analysis.SetDefaultDicts(files...)
}

// dictFingerprint identifies the current content of the dictionary files
// (names, sizes, modification times), so a change can be noticed cheaply.
func dictFingerprint(cfg configs.Analysis) string {
	h := sha256.New()
	for _, g := range cfg.Dicts {
		paths, _ := filepath.Glob(g)
		for _, p := range paths {
			fi, err := os.Stat(p)
			if err != nil {
				fmt.Fprintf(h, "%s\x00missing\n", p)
				continue
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// dictReloader reloads the dictionaries on SIGHUP and when the files
// change (checked every cfg.DictReloadInterval). A failed reload keeps the
// dictionaries in use and is logged with the file and line at fault.
type dictReloader struct {
	cfg     configs.Analysis
	log     *slog.Logger
	reloads *prometheus.CounterVec
}

func newDictReloader(cfg configs.Analysis, log *slog.Logger, reg prometheus.Registerer) *dictReloader {
	r := &dictReloader{cfg: cfg, log: log, reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yuqing_dict_reloads_total",
		Help: "Dictionary reloads by result (ok, error).",
	}, []string{"result"})}
	reg.MustRegister(r.reloads)
	return r
}

func (r *dictReloader) run(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if r.cfg.DictReloadInterval > 0 {
		t := time.NewTicker(r.cfg.DictReloadInterval)
		defer t.Stop()
		tick = t.C
	}
	last := dictFingerprint(r.cfg)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload(ctx, "SIGHUP")
			last = dictFingerprint(r.cfg)
		case <-tick:
			if fp := dictFingerprint(r.cfg); fp != last {
				last = fp
				r.reload(ctx, "files changed")
			}
		}
	}
}

func (r *dictReloader) reload(ctx context.Context, why string) {
	start := time.Now()
	if err := setDicts(r.cfg); err != nil {
		r.reloads.WithLabelValues("error").Inc()
		r.log.ErrorContext(ctx, "reloading dictionaries; keeping the current ones", "why", why, "err", err)
		return
	}
	r.reloads.WithLabelValues("ok").Inc()
	seg, _ := analysis.Default()
	info := seg.Dicts()
	r.log.InfoContext(ctx, "dictionaries reloaded", "why", why, "files", len(info.Files), "user_words", info.Words, "took", time.Since(start))
}
