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
	// Now is the clock (receipt times); default time.Now.
	Now func() time.Time
}

// Server is the HTTP API. It implements http.Handler.
type Server struct {
	opts    Options
	closing chan struct{} // closed by CloseStreams
	once    sync.Once
	mux     *http.ServeMux
	metrics *metrics
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
		closing: make(chan struct{})}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.indexRoutes()
	if s.opts.Public {
		s.publicRoutes()
	}
	s.handle("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.handle("GET /readyz", s.readyz)
	if s.opts.Gatherer != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{}))
	}
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
	routes := []string{"GET /api/v1/search", "GET /api/v1/docs/{id}", "GET /api/v1/stats/histogram", "POST /api/v1/rules/test"}
	if s.opts.Search == nil {
		if s.opts.IndexProxy != nil && s.opts.Public {
			proxy := httputil.NewSingleHostReverseProxy(s.opts.IndexProxy)
			proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
				s.log.WarnContext(r.Context(), "index role unreachable", "url", s.opts.IndexProxy.String(), "err", err)
				w.Header().Set("Retry-After", "1")
				writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "the index role at "+s.opts.IndexProxy.String()+" did not answer: "+err.Error())
			}
			for _, r := range routes {
				s.handle(r, proxy.ServeHTTP)
			}
		}
		return
	}
	s.handle(routes[0], s.search)
	s.handle(routes[1], s.getDoc)
	s.handle(routes[2], s.histogram)
	if s.opts.Backtest != nil {
		s.handle(routes[3], s.testRule)
	}
}

// publicRoutes are the API that clients, collectors and the console use.
func (s *Server) publicRoutes() {
	s.handle("POST /api/v1/ingest/posts", s.ingest("posts", ingest.ParsePosts))
	s.handle("POST /api/v1/ingest/sms", s.ingest("sms", ingest.ParseSMS))
	if s.opts.Pusher != nil {
		s.handle("POST /api/v1/ingest/push/{source}", s.push)
	}
	if s.opts.Sources != nil {
		s.handle("GET /api/v1/sources", s.listSources)
	}
	if s.opts.Alerts != nil {
		s.handle("GET /api/v1/alerts", s.listAlerts)
		s.mux.HandleFunc("GET /api/v1/alerts/stream", s.alertStream)
		s.handle("GET /api/v1/alerts/{id}", s.getAlert)
		s.handle("GET /api/v1/alerts/{id}/preview", s.previewAlert)
		s.handle("POST /api/v1/alerts/{id}/ack", s.alertAction("ack"))
		s.handle("POST /api/v1/alerts/{id}/resolve", s.alertAction("resolve"))
		s.handle("GET /api/v1/silences", s.listSilences)
		s.handle("POST /api/v1/silences", s.addSilence)
		s.handle("DELETE /api/v1/silences/{id}", s.deleteSilence)
		s.handle("GET /api/v1/notifications/dead", s.deadLetters)
	}
	if s.opts.Rules != nil {
		s.handle("GET /api/v1/rules", s.listRules)
	}
	if s.opts.PutRules != nil {
		s.handle("PUT /api/v1/rules", s.putRules)
	}
	if s.opts.Saved != nil {
		s.handle("POST /api/v1/searches", s.createSavedSearch)
		s.handle("GET /api/v1/searches", s.listSavedSearches)
		s.handle("GET /api/v1/searches/{id}", s.getSavedSearch)
		s.handle("DELETE /api/v1/searches/{id}", s.deleteSavedSearch)
	}
	if s.opts.Analyzer != nil {
		s.handle("POST /api/v1/analyze", s.analyze)
	}
	if s.opts.Reload != nil {
		s.handle("POST /api/v1/reload", s.reload)
	}
	for _, r := range s.opts.Routes {
		s.handle(r.Pattern, r.Handler)
	}
}

// reload handles POST /api/v1/reload.
func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
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

// handle registers h under pattern with latency metrics and panic recovery.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = withRequestID(w, r)
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
