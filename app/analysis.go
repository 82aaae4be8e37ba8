package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
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
	watchFiles(ctx, r.cfg.Dicts, r.cfg.DictReloadInterval, func(ctx context.Context, why string) { _ = r.reload(ctx, why) })
}

// reload loads the dictionaries again; on error the current ones stay.
func (r *dictReloader) reload(ctx context.Context, why string) error {
	start := time.Now()
	if err := setDicts(r.cfg); err != nil {
		r.reloads.WithLabelValues("error").Inc()
		r.log.ErrorContext(ctx, "reloading dictionaries; keeping the current ones", "why", why, "err", err)
		return fmt.Errorf("dictionaries: %w", err)
	}
	r.reloads.WithLabelValues("ok").Inc()
	seg, _ := analysis.Default()
	info := seg.Dicts()
	r.log.InfoContext(ctx, "dictionaries reloaded", "why", why, "files", len(info.Files), "user_words", info.Words, "took", time.Since(start))
	return nil
}
