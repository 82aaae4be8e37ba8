package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/cluster"
	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/console"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/index/saved"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/report"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/localstate"
)

// Options are what the caller may inject besides the config.
type Options struct {
	Logger *slog.Logger
	// Listener, when set, is used instead of listening on cfg.HTTP.Listen
	// (tests pass one on port 0).
	Listener net.Listener
	// LoadConfig reads the config again for a reload (SIGHUP, POST
	// /api/v1/reload) and returns it with the file it came from; nil
	// checks nothing but the rule and dictionary files.
	LoadConfig func() (configs.Config, string, error)
}

// App is one yuqing server process.
type App struct {
	cfg  configs.Config
	opts Options
	log  *slog.Logger
	reg  *prometheus.Registry

	ready     atomic.Bool
	notReady  atomic.Value // string: why not ready
	unhealthy atomic.Value // string: a dependency that does not answer ("" when all do)
	addr      chan string

	// set during Run
	bus      bus.Bus
	state    state.Store
	index    *index.Index
	analyzer atomic.Pointer[analysis.Analyzer]
	alerting atomic.Pointer[alerting]
	pusher   atomic.Pointer[collect.Pusher]
	reports  *report.Service // with the index role
	// consumers holds this process's stage consumers by stage name
	// (bus.Consumer), for lag and back-pressure.
	consumers sync.Map
	remote    remoteBacklog
	owner     string // this replica in leases
	soft      state.Store
	dicts     atomic.Pointer[dictReloader]
	reloads   *reloadMetrics
	api       atomic.Pointer[api.Server]
	cleanups  []func() error
}

// New validates cfg and builds an App; nothing is opened until Run.
func New(cfg configs.Config, opts Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &App{cfg: cfg, opts: opts, log: opts.Logger, reg: reg, addr: make(chan string, 1), owner: replicaID(),
		reloads: newReloadMetrics(reg)}
	a.notReady.Store("starting")
	return a, nil
}

// Addr returns the HTTP address once the server listens.
func (a *App) Addr(ctx context.Context) (string, error) {
	select {
	case s := <-a.addr:
		a.addr <- s
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Run opens everything, serves until ctx is cancelled, then shuts down
// gracefully: the HTTP server stops taking requests and finishes those in
// flight, the stages finish and commit the batches in hand, and everything
// is closed in reverse order. It returns the first error that stopped it.
func (a *App) Run(ctx context.Context) (err error) {
	defer func() { err = errors.Join(err, a.cleanup()) }()
	if err := os.MkdirAll(a.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("creating data dir: %w", err)
	}
	if err := a.openStateAndBus(ctx); err != nil {
		return err
	}
	srv, ln, err := a.serveHTTP()
	if err != nil {
		return err
	}
	httpErr := make(chan error, 1)
	go func() { httpErr <- srv.Serve(ln) }()
	a.log.Info("listening", "addr", ln.Addr().String(), "data", a.cfg.DataDir,
		"bus", a.cfg.Bus.Type, "state", a.cfg.State.Type)

	stageCtx, stopStages := context.WithCancel(context.WithoutCancel(ctx))
	var stages sync.WaitGroup
	startErr := make(chan error, 1)
	go func() { startErr <- a.startStages(ctx, stageCtx, &stages) }()

	started := false
	select {
	case <-ctx.Done():
	case err = <-startErr:
		started = true
		if err == nil {
			a.setReady()
			select {
			case <-ctx.Done():
			case err = <-httpErr:
			}
		}
	case err = <-httpErr:
	}
	if !started {
		// startStages appends cleanups: let it finish before cleaning up.
		err = errors.Join(err, <-startErr)
	}
	a.ready.Store(false)
	a.notReady.Store("shutting down")
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		err = errors.Join(err, fmt.Errorf("shutting down http: %w", serr))
	}
	stopStages()
	stages.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (a *App) setReady() {
	a.ready.Store(true)
	a.log.Info("ready")
}

func (a *App) readyErr() error {
	if !a.ready.Load() {
		return errors.New(a.notReady.Load().(string))
	}
	if msg, _ := a.unhealthy.Load().(string); msg != "" {
		return errors.New(msg)
	}
	return nil
}

func (a *App) serveHTTP() (*http.Server, net.Listener, error) {
	ln := a.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.cfg.HTTP.Listen); err != nil {
			return nil, nil, fmt.Errorf("listening on %s: %w", a.cfg.HTTP.Listen, err)
		}
	}
	tlsCfg, err := a.cfg.HTTP.TLS.ServerConfig()
	if err != nil {
		ln.Close()
		return nil, nil, fmt.Errorf("http.tls: %w", err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	a.addr <- ln.Addr().String()
	var pusher api.Pusher
	if hasPushSources(a.cfg.Sources) {
		pusher = lazyPusher{a}
	}
	var (
		search   api.Searcher
		backtest api.Backtester
		proxy    *url.URL
	)
	reports, err := a.newReportService()
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	a.reports = reports
	var reveal func(ctx context.Context, id string) (analysis.Doc, error)
	if a.cfg.Runs(configs.RoleIndex) {
		search, backtest, reveal = lazySearcher{a}, a.backtest, lazySearcher{a}.Reveal
	} else if a.cfg.Index.RemoteURL != "" {
		u, err := url.Parse(a.cfg.Index.RemoteURL)
		if err != nil {
			return nil, nil, fmt.Errorf("index.remote_url: %w", err)
		}
		proxy = u
	}
	authSvc, auditLog, err := a.authLayers()
	if err != nil {
		return nil, nil, err
	}
	handler := api.New(api.Options{
		Routes:        a.reportRoutes(),
		RatePerMinute: a.cfg.Auth.RatePerMinute,
		MetricsOpen:   a.cfg.Auth.MetricsOpen,
		Reveal:        reveal,
		Console:       console.Handler(console.Options{Logger: a.log}),
		Auth:          authSvc,
		Audit:         auditLog,
		Public:        a.cfg.Runs(configs.RoleAPI),
		IndexProxy:    proxy,
		Backlog:       a.backlog,
		MaxBacklog:    a.cfg.Ingest.MaxBacklog,
		Pusher:        pusher,
		Producer:      a.bus,
		RawTopic:      a.cfg.Bus.Topics.Raw,
		Search:        search,
		Analyzer:      a.loadedAnalyzer,
		Saved:         saved.New(a.state, validateQuery),
		Alerts:        lazyAlerts{a},
		Sources:       a.sourceStatuses,
		Backtest:      backtest,
		PutRules: func(ctx context.Context, y []byte) ([]rule.Rule, error) {
			al := a.alerting.Load()
			if al == nil {
				return nil, api.ErrIndexNotOpen
			}
			return al.putRules(ctx, a.cfg, y)
		},
		Reload: func(ctx context.Context) (any, error) { return a.Reload(ctx, "api") },
		Rules: func() ([]rule.Rule, error) {
			al := a.alerting.Load()
			if al == nil {
				return nil, api.ErrIndexNotOpen
			}
			return al.Rules(), nil
		},
		Limits:       a.cfg.Ingest.Limits(),
		MaxBodyBytes: a.cfg.HTTP.MaxBodyBytes,
		Ready:        a.readyErr,
		Registerer:   a.reg,
		Gatherer:     a.reg,
		Logger:       a.log,
	})
	a.api.Store(handler)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(handler.CloseStreams)
	return srv, ln, nil
}

// startStages starts what this process's roles run, on stageCtx: the
// analysis stage (dictionary, clusters), the index (retention and the
// index stage), the alert stage (engine, outbox worker, timers, rule
// reload) and the collectors. An API process also loads the analyzer (for
// POST /api/v1/analyze) and the alert store (the alert endpoints read the
// shared state).
func (a *App) startStages(ctx, stageCtx context.Context, wg *sync.WaitGroup) error {
	runs := a.cfg.Runs
	type spec struct {
		name, topic string
		h           handler
	}
	var specs []spec
	poison := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yuqing_stage_poison_records_total",
		Help: "Records a stage could not decode and skipped.",
	}, []string{"stage"})
	a.reg.MustRegister(poison)
	t := a.cfg.Bus.Topics
	if runs(configs.RoleAnalyze) || runs(configs.RoleAPI) {
		a.notReady.Store("loading dictionary and models")
		an, err := NewAnalyzer(a.cfg.Analysis)
		if err != nil {
			return err
		}
		a.analyzer.Store(an)
		dr := newDictReloader(a.cfg.Analysis, a.log, a.reg)
		a.dicts.Store(dr)
		wg.Go(func() { dr.run(stageCtx) })
		if runs(configs.RoleAnalyze) {
			co := a.cfg.Analysis.Cluster
			soft, err := a.softState()
			if err != nil {
				return err
			}
			assigner, err := cluster.New(soft, cluster.Options{MaxDistance: co.MaxDistance, Window: co.Window,
				KeyPrefix: "cluster:", Registerer: a.reg})
			if err != nil {
				return fmt.Errorf("analysis.cluster: %w", err)
			}
			specs = append(specs, spec{"analyze", t.Raw, analyzeHandler(an, assigner, a.bus, t.Docs, poison.WithLabelValues("analyze"), a.log)})
		}
	}
	if runs(configs.RoleIndex) {
		a.notReady.Store("opening index")
		ic := a.cfg.Index
		loc, _ := ic.Location()              // valid: New validated cfg
		retention, _ := ic.RetentionPeriod() // likewise
		ix, err := index.OpenWith(filepath.Join(a.cfg.DataDir, "index"), index.Options{Partition: index.Period(ic.Partition),
			Location: loc, Retention: retention, Registerer: a.reg}, a.log)
		if err != nil {
			return err
		}
		a.index = ix
		a.cleanups = append(a.cleanups, ix.Close)
		stopRetention, err := ix.StartRetention(stageCtx, ic.RetentionSchedule)
		if err != nil {
			return fmt.Errorf("index.retention_schedule: %w", err)
		}
		a.cleanups = append(a.cleanups, func() error { stopRetention(); return nil })
		specs = append(specs, spec{"index", t.Docs, indexHandler(ix, filepath.Join(a.cfg.DataDir, "index"), ic.MinFreeBytes, poison.WithLabelValues("index"), a.log)})
	}
	if runs(configs.RoleAlert) || runs(configs.RoleAPI) {
		al, err := a.newAlerting()
		if err != nil {
			return err
		}
		a.alerting.Store(al)
		if runs(configs.RoleAlert) {
			wg.Go(func() { al.worker.Run(stageCtx) })
			wg.Go(func() { al.tickLoop(stageCtx) })
			wg.Go(func() { al.escalationLoop(stageCtx, a.cfg) })
			wg.Go(func() {
				globs := []string{filepath.Join(a.cfg.RulesDir, "*.yaml"), filepath.Join(a.cfg.RulesDir, "*.yml")}
				watchFiles(stageCtx, globs, a.cfg.RulesReloadInterval, func(ctx context.Context, why string) { _ = al.reloadRules(ctx, a.cfg, why) })
			})
			specs = append(specs, spec{"alert", t.Docs, al.handler()})
		}
	}

	a.notReady.Store("joining consumer groups")
	sm := newStageMetrics(a.reg)
	a.reg.MustRegister(newPartitionLagCollector(a))
	for _, sp := range specs {
		c, err := a.bus.Consumer(ctx, a.group(sp.name), sp.topic)
		if err != nil {
			return fmt.Errorf("joining %s stage group: %w", sp.name, err)
		}
		a.cleanups = append(a.cleanups, c.Close)
		a.registerLag(sp.name, c)
		a.consumers.Store(sp.name, c)
		st := &stage{name: sp.name, consumer: c, handle: sp.h, batchSize: a.cfg.Pipeline.BatchSize,
			batchWait: a.cfg.Pipeline.BatchWait, metrics: sm, log: a.log}
		wg.Go(func() { st.run(stageCtx) })
	}
	if runs(configs.RoleCollect) || runs(configs.RoleAPI) {
		if err := a.startCollectors(stageCtx, wg, runs(configs.RoleCollect)); err != nil {
			return err
		}
	}
	if runs(configs.RoleAPI) {
		a.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "yuqing_ingest_backlog_records",
			Help: "Records accepted but not yet analysed and indexed, as ingest back-pressure sees them.",
		}, func() float64 { return float64(a.backlog()) }))
		wg.Go(func() { a.measureRemoteBacklog(stageCtx, time.Second) })
	}
	if tr, ok := a.bus.(interface{ Trim(context.Context) error }); ok {
		wg.Go(func() { a.trimLoop(stageCtx, tr.Trim) })
	}
	if runs(configs.RoleReport) {
		if err := a.startReportScheduler(stageCtx); err != nil {
			return err
		}
	}
	wg.Go(func() { a.healthLoop(stageCtx, time.Second) })
	wg.Go(func() { a.reloadOnSIGHUP(stageCtx) })
	a.log.Info("roles started", "roles", a.roleNames())
	return nil
}

// roleNames lists the roles this process runs.
func (a *App) roleNames() []string {
	var out []string
	for _, r := range configs.AllRoles {
		if a.cfg.Runs(r) {
			out = append(out, r)
		}
	}
	return out
}

func (a *App) group(stage string) string {
	if a.cfg.Bus.Type == configs.BusKafka {
		return a.cfg.Bus.Kafka.GroupPrefix + "-" + stage
	}
	return stage
}

func (a *App) registerLag(stage string, c bus.Consumer) {
	a.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "yuqing_stage_lag_records",
		Help:        "Records on the stage's input topic not yet committed by it (-1 unknown).",
		ConstLabels: prometheus.Labels{"stage": stage},
	}, func() float64 { return float64(c.Lag()) }))
}

// trimLoop drops embedded log segments every stage has consumed.
func (a *App) trimLoop(ctx context.Context, trim func(context.Context) error) {
	every(ctx, time.Minute, func(ctx context.Context) {
		if err := trim(ctx); err != nil {
			a.log.WarnContext(ctx, "trimming bus log", "err", err)
		}
	})
}

// cleanup closes what Run opened, in reverse order.
func (a *App) cleanup() error {
	var errs []error
	for i := len(a.cleanups) - 1; i >= 0; i-- {
		if err := a.cleanups[i](); err != nil {
			errs = append(errs, err)
		}
	}
	a.cleanups = nil
	return errors.Join(errs...)
}

// validateQuery checks a saved search's query with the search parser.
func validateQuery(q string) error { return index.ValidateQuery(q) }

// softState is where state that can be rebuilt lives: repost-cluster
// bands and alert window counters, many small writes per document. With
// Redis it is the shared state. Embedded, it is a local file of its own
// written without fsync, so it neither waits for nor delays the fsynced
// state (alerts, outbox, saved searches): a killed process loses nothing
// (the kernel has the pages); a power loss may lose recent counts, so a
// repost may start a new cluster and a window may count from less.
func (a *App) softState() (state.Store, error) {
	if a.cfg.State.Type != configs.StateLocal {
		return a.state, nil
	}
	if a.soft != nil {
		return a.soft, nil
	}
	ls, err := localstate.Open(filepath.Join(a.cfg.DataDir, "soft-state.db"), localstate.Options{NoSync: true, Logger: a.log})
	if err != nil {
		return nil, fmt.Errorf("opening soft state: %w", err)
	}
	a.cleanups = append(a.cleanups, ls.Close)
	a.soft = ls
	return ls, nil
}

// lazyAlerts answers 503 until the alert stage is set up.
type lazyAlerts struct{ a *App }

func (l lazyAlerts) store() (*alert.Store, error) {
	if al := l.a.alerting.Load(); al != nil {
		return al.alerts, nil
	}
	return nil, api.ErrIndexNotOpen
}

func (l lazyAlerts) List(ctx context.Context, f alert.Filter) ([]alert.Alert, error) {
	s, err := l.store()
	if err != nil {
		return nil, err
	}
	return s.List(ctx, f)
}

func (l lazyAlerts) Get(ctx context.Context, id string) (alert.Alert, error) {
	s, err := l.store()
	if err != nil {
		return alert.Alert{}, err
	}
	return s.Get(ctx, id)
}

func (l lazyAlerts) Ack(ctx context.Context, id, who, comment string) (alert.Alert, error) {
	s, err := l.store()
	if err != nil {
		return alert.Alert{}, err
	}
	return s.Ack(ctx, id, who, comment)
}

func (l lazyAlerts) Resolve(ctx context.Context, id, who, comment string) (alert.Alert, error) {
	s, err := l.store()
	if err != nil {
		return alert.Alert{}, err
	}
	return s.Resolve(ctx, id, who, comment)
}

func (l lazyAlerts) AddSilence(ctx context.Context, sil alert.Silence) (alert.Silence, error) {
	s, err := l.store()
	if err != nil {
		return alert.Silence{}, err
	}
	return s.AddSilence(ctx, sil)
}

func (l lazyAlerts) ListSilences(ctx context.Context) ([]alert.Silence, error) {
	s, err := l.store()
	if err != nil {
		return nil, err
	}
	return s.ListSilences(ctx)
}

func (l lazyAlerts) DeleteSilence(ctx context.Context, id string) error {
	s, err := l.store()
	if err != nil {
		return err
	}
	return s.DeleteSilence(ctx, id)
}

func (l lazyAlerts) Preview(ctx context.Context, id, receiver string) (json.RawMessage, error) {
	al := l.a.alerting.Load()
	if al == nil {
		return nil, api.ErrIndexNotOpen
	}
	n, err := al.Preview(ctx, id, receiver)
	if err != nil {
		return nil, err
	}
	if !json.Valid(n.Payload) { // an e-mail message: show it as a string
		js, err := json.Marshal(string(n.Payload))
		return json.RawMessage(js), err
	}
	return json.RawMessage(n.Payload), nil
}

func (l lazyAlerts) DeadLetters(ctx context.Context) (any, error) {
	al := l.a.alerting.Load()
	if al == nil {
		return nil, api.ErrIndexNotOpen
	}
	dl, err := al.outbox.DeadLetters(ctx)
	if dl == nil && err == nil {
		return []any{}, nil
	}
	return dl, err
}

// loadedAnalyzer serves POST /api/v1/analyze once the analyzer is loaded.
func (a *App) loadedAnalyzer() (api.Analyzer, error) {
	if an := a.analyzer.Load(); an != nil {
		return an, nil
	}
	return nil, api.ErrAnalyzerLoading
}

// lazySearcher answers 503-worthy errors until the index is open.
type lazySearcher struct{ a *App }

func (l lazySearcher) Search(ctx context.Context, req index.Request) (index.Result, error) {
	if !l.a.ready.Load() {
		return index.Result{}, api.ErrIndexNotOpen
	}
	return l.a.index.Search(ctx, req)
}

func (l lazySearcher) Histogram(ctx context.Context, req index.HistogramRequest) (index.Histogram, error) {
	if !l.a.ready.Load() {
		return index.Histogram{}, api.ErrIndexNotOpen
	}
	return l.a.index.Histogram(ctx, req)
}

// Reveal returns a document with its personal data unmasked (the API
// checks the permission and audits the reason).
func (l lazySearcher) Reveal(ctx context.Context, id string) (analysis.Doc, error) {
	if !l.a.ready.Load() {
		return analysis.Doc{}, api.ErrIndexNotOpen
	}
	return l.a.index.Reveal(ctx, id)
}

func (l lazySearcher) Get(ctx context.Context, id string) (analysis.Doc, error) {
	if !l.a.ready.Load() {
		return analysis.Doc{}, api.ErrIndexNotOpen
	}
	return l.a.index.Get(ctx, id)
}
