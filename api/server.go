package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/index/saved"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

// Route is one extra route of the public API.
type Route struct {
	// Pattern is a net/http ServeMux pattern with a method
	// ("GET /api/v1/reports/{id}").
	Pattern string
	// Permission is what the caller needs (see the auth layer); "" means
	// any authenticated caller.
	Permission string
	Handler    http.HandlerFunc
	// Index routes read the index: they are served by the process with
	// the index role (with or without the public API) and forwarded to it
	// by API processes without it (Handler unused there).
	Index bool
}

// ErrBadConfig marks a reload refused because a config, rule or
// dictionary file is invalid (answered 400 invalid_config).
var ErrBadConfig = errors.New("invalid configuration")

// ErrIndexNotOpen is what a Searcher returns before the index is open
// (answered 503).
var ErrIndexNotOpen = errors.New("index is not open yet")

// Searcher answers searches, histograms and document lookups.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (index.Result, error)
	Histogram(ctx context.Context, req index.HistogramRequest) (index.Histogram, error)
	Get(ctx context.Context, id string) (analysis.Doc, error)
}

// Options are the Server's dependencies.
type Options struct {
	// Producer receives accepted records on RawTopic.
	Producer bus.Producer
	RawTopic string
	Search   Searcher
	// Analyzer returns the analyzer for POST /api/v1/analyze, or an error
	// (answered 503) while it is loading; nil disables the route.
	Analyzer func() (Analyzer, error)
	// Rules returns the alert rules in use; nil disables GET /api/v1/rules.
	Rules func() ([]rule.Rule, error)
	// PutRules stores and loads rules sent as YAML; nil disables
	// PUT /api/v1/rules.
	PutRules func(ctx context.Context, ruleYAML []byte) ([]rule.Rule, error)
	// Backtest replays history through a rule; nil disables
	// POST /api/v1/rules/test.
	Backtest Backtester
	// Alerts is the alert store; nil disables /api/v1/alerts.
	Alerts Alerts
	// Routes are more routes of the public API, served like the built-in
	// ones (metrics, request ids, and the permission checks of the auth
	// layer): reports, for one.
	Routes []Route
	// Console serves every GET path outside /api/ and the health routes
	// (the web console's pages and static files); nil answers 404.
	Console http.Handler
	// Reload re-reads the config, rules and dictionaries
	// (POST /api/v1/reload); an error wrapping ErrBadConfig is answered
	// 400. nil disables the route.
	Reload func(ctx context.Context) (any, error)
	// Pusher receives POST /api/v1/ingest/push/{source}; nil disables it.
	Pusher Pusher
	// Sources reports the collectors' states; nil disables
	// GET /api/v1/sources.
	Sources func(ctx context.Context) ([]collect.Status, error)
	// Saved stores saved searches; nil disables /api/v1/searches.
	Saved  *saved.Store
	Limits ingest.Limits
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// Ready reports nil when the server can do its work (dictionary
	// loaded, index open, stages running).
	Ready func() error
	// Registerer receives the API metrics; Gatherer serves /metrics. Either
	// may be nil.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	Logger     *slog.Logger
	// Public serves the public API (ingest, alerts, rules, sources…);
	// without it only health, metrics and the index routes are served (an
	// index-role process, which API processes search through).
	Public bool
	// IndexProxy, when set and Search is nil, forwards the index routes
	// (search, docs, histogram, rule backtests) to the index role there.
	IndexProxy *url.URL
	// Backlog returns the records ingested but not yet indexed; when it is
	// above MaxBacklog (> 0) ingest answers 503 with Retry-After.
	Backlog    func() int64
	MaxBacklog int64
	// MetricsOpen serves /metrics to anyone (auth.metrics_open).
	MetricsOpen bool
	// RatePerMinute bounds the requests of one authenticated caller (user
	// or token owner) a minute; over it they get 429 with Retry-After. 0:
	// no limit. Not applied while auth is off (local use).
	RatePerMinute int
	// Now is the clock (receipt times); default time.Now.
	Now func() time.Time
	// Auth authenticates callers; nil or not Required means auth is off:
	// every request acts as auth.Local() (the console shows a banner).
	Auth *auth.Service
	// Audit records logins, searches, reveals, rule changes, alert
	// actions and exports; nil records nothing.
	Audit audit.Log
	// Reveal returns a document with its original (unmasked) text for
	// GET /api/v1/docs/{id}?reveal=1; nil means originals cannot be read
	// back (the answer says so).
	Reveal func(ctx context.Context, id string) (analysis.Doc, error)
}

// Server is the HTTP API. It implements http.Handler.
type Server struct {
	opts    Options
	closing chan struct{} // closed by CloseStreams
	once    sync.Once
	mux     *http.ServeMux
	table   []Route // every route and its permission
	metrics *metrics
	limits  *callerLimits
	log     *slog.Logger
}

// New builds the API server.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Ready == nil {
		opts.Ready = func() error { return nil }
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), metrics: newMetrics(opts.Registerer), log: opts.Logger,
		closing: make(chan struct{}), limits: newCallerLimits(opts.RatePerMinute)}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.indexRoutes()
	if s.opts.Public {
		s.publicRoutes()
	}
	s.handle("POST /api/v1/login", PermPublic, s.login)
	s.handle("POST /api/v1/logout", PermPublic, s.logout)
	s.handle("GET /api/v1/me", PermAuthenticated, s.me)
	s.handle("GET /healthz", PermPublic, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.handle("GET /readyz", PermPublic, s.readyz)
	if s.opts.Gatherer != nil {
		// Any authenticated caller when auth is on (Prometheus sends a
		// token): the metrics hold no personal data.
		perm := PermAuthenticated
		if s.opts.MetricsOpen {
			perm = PermPublic
		}
		s.handleRaw("GET /metrics", perm, promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{}).ServeHTTP)
	}
	s.table = append(s.table, Route{Pattern: "/", Permission: PermPublic})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Console != nil && s.opts.Public && r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
			s.opts.Console.ServeHTTP(w, r)
			return
		}
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	})
}

// indexRoutes are served where the index is, and proxied to it from API
// processes without it.
func (s *Server) indexRoutes() {
	routes := []Route{
		{Pattern: "GET /api/v1/search", Permission: auth.PermSearch, Handler: s.search},
		{Pattern: "GET /api/v1/docs/{id}", Permission: auth.PermSearch, Handler: s.getDoc},
		{Pattern: "GET /api/v1/stats/histogram", Permission: auth.PermDashboard, Handler: s.histogram},
	}
	if s.opts.Backtest != nil || s.opts.Search == nil {
		routes = append(routes, Route{Pattern: "POST /api/v1/rules/test", Permission: auth.PermRulesDraft, Handler: s.testRule})
	}
	for _, r := range s.opts.Routes {
		if r.Index {
			routes = append(routes, r)
		}
	}
	if s.opts.Search != nil {
		for _, r := range routes {
			s.handle(r.Pattern, r.Permission, r.Handler)
		}
		return
	}
	if s.opts.IndexProxy == nil || !s.opts.Public {
		return
	}
	proxy := httputil.NewSingleHostReverseProxy(s.opts.IndexProxy)
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.WarnContext(r.Context(), "index role unreachable", "url", s.opts.IndexProxy.String(), "err", err)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "the index role at "+s.opts.IndexProxy.String()+" did not answer: "+err.Error())
	}
	for _, r := range routes {
		s.handle(r.Pattern, r.Permission, proxy.ServeHTTP)
	}
}

// publicRoutes are the API that clients, collectors and the console use.
func (s *Server) publicRoutes() {
	s.handle("POST /api/v1/ingest/posts", auth.PermIngest, s.ingest("posts", ingest.ParsePosts))
	s.handle("POST /api/v1/ingest/sms", auth.PermIngest, s.ingest("sms", ingest.ParseSMS))
	if s.opts.Pusher != nil {
		s.handle("POST /api/v1/ingest/push/{source}", PermPush, s.push)
	}
	if s.opts.Sources != nil {
		s.handle("GET /api/v1/sources", auth.PermSourcesRead, s.listSources)
	}
	if s.opts.Alerts != nil {
		s.handle("GET /api/v1/alerts", auth.PermAlertsRead, s.listAlerts)
		s.handleRaw("GET /api/v1/alerts/stream", auth.PermAlertsRead, s.alertStream)
		s.handle("GET /api/v1/alerts/{id}", auth.PermAlertsRead, s.getAlert)
		s.handle("GET /api/v1/alerts/{id}/preview", auth.PermAlertsRead, s.previewAlert)
		s.handle("POST /api/v1/alerts/{id}/ack", auth.PermAlertsAct, s.alertAction("ack"))
		s.handle("POST /api/v1/alerts/{id}/resolve", auth.PermAlertsAct, s.alertAction("resolve"))
		s.handle("GET /api/v1/silences", auth.PermAlertsRead, s.listSilences)
		s.handle("POST /api/v1/silences", auth.PermAlertsAct, s.addSilence)
		s.handle("DELETE /api/v1/silences/{id}", auth.PermAlertsAct, s.deleteSilence)
		s.handle("GET /api/v1/notifications/dead", auth.PermAlertsAct, s.deadLetters)
	}
	if s.opts.Rules != nil {
		s.handle("GET /api/v1/rules", auth.PermRulesRead, s.listRules)
		s.handle("GET /api/v1/rules/{id}/yaml", auth.PermRulesRead, s.ruleYAML)
	}
	if s.opts.PutRules != nil {
		s.handle("PUT /api/v1/rules", auth.PermRulesWrite, s.putRules)
	}
	if s.opts.Saved != nil {
		s.handle("POST /api/v1/searches", auth.PermSavedSearches, s.createSavedSearch)
		s.handle("GET /api/v1/searches", auth.PermSavedSearches, s.listSavedSearches)
		s.handle("GET /api/v1/searches/{id}", auth.PermSavedSearches, s.getSavedSearch)
		s.handle("DELETE /api/v1/searches/{id}", auth.PermSavedSearches, s.deleteSavedSearch)
	}
	if s.opts.Analyzer != nil {
		s.handle("POST /api/v1/analyze", auth.PermRulesDraft, s.analyze)
	}
	if s.opts.Reload != nil {
		s.handle("POST /api/v1/reload", auth.PermRulesWrite, s.reload)
	}
	s.handle("GET /api/v1/audit", auth.PermAdmin, s.searchAudit)
	for _, r := range s.opts.Routes {
		if !r.Index {
			s.handle(r.Pattern, r.Permission, r.Handler)
		}
	}
}

// reload handles POST /api/v1/reload.
func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if err := s.record(r, audit.Entry{Action: audit.ActionReload}); err != nil {
		s.auditFailed(w, r, err)
		return
	}
	res, err := s.opts.Reload(r.Context())
	if err != nil {
		if errors.Is(err, ErrBadConfig) {
			writeError(w, http.StatusBadRequest, CodeInvalidConfig, err.Error())
			return
		}
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handle registers h under pattern with the permission a caller needs
// (a constant of package auth, PermPublic, PermPush or
// PermAuthenticated), latency metrics and panic recovery.
func (s *Server) handle(pattern, perm string, h http.HandlerFunc) {
	s.table = append(s.table, Route{Pattern: pattern, Permission: perm})
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = withRequestID(w, r)
		r, ok := s.authorize(w, r, perm)
		if !ok {
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), auditKey{}, auditCtx{s, r}))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(r.Context(), "handler panic", "route", pattern, "panic", p)
				writeError(sw, http.StatusInternalServerError, CodeInternal, "internal error")
			}
			took := time.Since(start)
			s.metrics.requests.WithLabelValues(pattern, strconv.Itoa(sw.status/100)+"xx").Observe(took.Seconds())
			s.log.DebugContext(r.Context(), "request", "route", pattern, "path", r.URL.Path, "status", sw.status, "took", took)
		}()
		h(sw, r)
	}))
}

// handleRaw registers h under pattern with the permission check only:
// long-lived or foreign handlers (the alert stream, /metrics).
func (s *Server) handleRaw(pattern, perm string, h http.HandlerFunc) {
	s.table = append(s.table, Route{Pattern: pattern, Permission: perm})
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = withRequestID(w, r)
		if r, ok := s.authorize(w, r, perm); ok {
			h(w, r)
		}
	}))
}

// CloseStreams ends the long-lived responses (the alert stream), so a
// graceful shutdown does not wait for them; register it with
// http.Server.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.once.Do(func() { close(s.closing) }) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if err := s.opts.Ready(); err != nil {
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
