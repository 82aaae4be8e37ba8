package app

import (
	"context"
	"fmt"
	"reflect"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/configs"
)

// ReloadResult says what a reload did.
type ReloadResult struct {
	// Config is the file checked ("" when the server runs on defaults).
	Config string `json:"config"`
	// RulesLoaded is the number of alert rules in use after the reload
	// (-1 when this process does not run the alert or api role).
	RulesLoaded int `json:"rules_loaded"`
	// Dictionaries reports that the dictionaries were reloaded.
	Dictionaries bool `json:"dictionaries"`
	// RestartNeeded lists the config sections that changed but only take
	// effect after a restart.
	RestartNeeded []string `json:"restart_needed"`
}

// reloadMetrics are the config reload gauges.
type reloadMetrics struct {
	ok   prometheus.Gauge
	last prometheus.Gauge
}

func newReloadMetrics(reg prometheus.Registerer) *reloadMetrics {
	m := &reloadMetrics{
		ok: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "yuqing_config_last_reload_successful",
			Help: "1 when the last config reload (SIGHUP or POST /api/v1/reload) loaded a valid config and its rules and dictionaries, else 0.",
		}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "yuqing_config_last_reload_success_timestamp_seconds",
			Help: "When the config was last loaded successfully (start or reload).",
		}),
	}
	m.ok.Set(1)
	m.last.SetToCurrentTime()
	reg.MustRegister(m.ok, m.last)
	return m
}

// Reload re-reads the config file (Options.LoadConfig) and checks it, and
// reloads the alert rules and the dictionaries; any failure keeps what is
// in use, sets yuqing_config_last_reload_successful to 0 and is returned.
// Config changes other than the rule and dictionary files take effect at
// the next restart; RestartNeeded names their sections. SIGHUP does the
// same.
func (a *App) Reload(ctx context.Context, why string) (ReloadResult, error) {
	res, err := a.reload(ctx, why)
	if err != nil {
		a.reloads.ok.Set(0)
		a.log.ErrorContext(ctx, "reload failed; keeping what is in use", "why", why, "err", err)
		return res, err
	}
	a.reloads.ok.Set(1)
	a.reloads.last.SetToCurrentTime()
	a.log.InfoContext(ctx, "reloaded", "why", why, "rules", res.RulesLoaded, "restart_needed", res.RestartNeeded)
	return res, nil
}

func (a *App) reload(ctx context.Context, why string) (ReloadResult, error) {
	res := ReloadResult{RulesLoaded: -1, RestartNeeded: []string{}}
	if a.opts.LoadConfig != nil {
		cfg, path, err := a.opts.LoadConfig()
		res.Config = path
		if err != nil {
			return res, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
		res.RestartNeeded = changedSections(a.cfg, cfg)
	}
	if al := a.alerting.Load(); al != nil {
		if err := al.reloadRules(ctx, a.cfg, why); err != nil {
			return res, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
		res.RulesLoaded = len(al.Rules())
	}
	if dr := a.dicts.Load(); dr != nil {
		if err := dr.reload(ctx, why); err != nil {
			return res, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
		res.Dictionaries = true
	}
	return res, nil
}

// ErrBadConfig marks a reload refused because a file is invalid.
var ErrBadConfig = api.ErrBadConfig

// changedSections names the top-level config keys that differ.
func changedSections(old, cur configs.Config) []string {
	out := []string{}
	ov, cv := reflect.ValueOf(old), reflect.ValueOf(cur)
	t := ov.Type()
	for i := range t.NumField() {
		if !reflect.DeepEqual(ov.Field(i).Interface(), cv.Field(i).Interface()) {
			name := t.Field(i).Tag.Get("yaml")
			if name == "" {
				name = t.Field(i).Name
			}
			out = append(out, name)
		}
	}
	return out
}

// reloadOnSIGHUP reloads on SIGHUP until ctx ends (the rule and dictionary
// watchers also poll their files on their own intervals).
func (a *App) reloadOnSIGHUP(ctx context.Context) {
	onSIGHUP(ctx, func(ctx context.Context) {
		_, _ = a.Reload(ctx, "SIGHUP")
	})
}
