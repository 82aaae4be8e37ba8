package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
	"github.com/yuqing-dev/yuqing/state"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// env is one shared state seen through two clients (two replicas), with
// the clock both use.
type env struct {
	a, b  state.Store
	clk   *testclock.Clock
	redis bool
}

func (e env) outbox(st state.Store) *Outbox { return NewOutbox(st, OutboxOptions{Now: e.clk.Now}) }

// eachBackend runs fn against localstate and a private redis-server.
func eachBackend(t *testing.T, fn func(t *testing.T, e env)) {
	t.Run("local", func(t *testing.T) {
		clk := testclock.New(t0)
		st := teststate.Local(t, clk.Now)
		fn(t, env{a: st, b: st, clk: clk})
	})
	t.Run("redis", func(t *testing.T) {
		open := teststate.Redis(t)
		fn(t, env{a: open(), b: open(), clk: testclock.New(t0), redis: true})
	})
}

// hook is a real HTTP server on 127.0.0.1 that records what it gets and
// answers with status(n) for the n-th request (1-based).
type hook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	status func(n int) int
}

func newHook(t *testing.T, status func(n int) int) *hook {
	h := &hook{status: status}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, body)
		h.heads = append(h.heads, r.Header.Clone())
		n := len(h.bodies)
		h.mu.Unlock()
		w.WriteHeader(h.status(n))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

func (h *hook) keys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, hd := range h.heads {
		out = append(out, hd.Get("Idempotency-Key"))
	}
	return out
}

func always(code int) func(int) int { return func(int) int { return code } }

// counter reads one labelled counter from reg.
func counter(t *testing.T, reg *prometheus.Registry, name, receiver string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "receiver" && l.GetValue() == receiver {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func enqueue(t *testing.T, o *Outbox, n Notification) {
	t.Helper()
	if ok, err := o.Enqueue(context.Background(), n); err != nil || !ok {
		t.Fatalf("Enqueue(%s) = %v, %v", n.ID, ok, err)
	}
}

func runOnce(t *testing.T, w *Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

// noJitter makes retry times exact.
var noJitter = Backoff{Base: time.Second, Max: 10 * time.Second}
