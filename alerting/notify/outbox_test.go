package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
	"github.com/yuqing-dev/yuqing/state"
)

type receiverFunc func(ctx context.Context, n Notification) error

func (f receiverFunc) Send(ctx context.Context, n Notification) error { return f(ctx, n) }

func note(id string) Notification {
	return Notification{ID: id, AlertID: "a-" + id, Receiver: "hook", Payload: []byte(`{"id":"` + id + `"}`)}
}

func newWorker(e env, o *Outbox, r Receiver, reg prometheus.Registerer, opts WorkerOptions) *Worker {
	opts.Receivers = map[string]Receiver{"hook": r}
	opts.Registerer = reg
	opts.Now = e.clk.Now
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = noJitter
	}
	return NewWorker(o, opts)
}

func TestDeliverOnceAndDedupeEnqueue(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		h := newHook(t, always(200))
		reg := prometheus.NewRegistry()
		o := e.outbox(e.a)
		w := newWorker(e, o, &Webhook{URL: h.srv.URL}, reg, WorkerOptions{})
		enqueue(t, o, note("n1"))
		if ok, err := o.Enqueue(ctx, note("n1")); ok || err != nil {
			t.Errorf("second Enqueue of a pending id = %v, %v", ok, err)
		}
		if got := runOnce(t, w); got != 1 {
			t.Fatalf("RunOnce sent %d", got)
		}
		if p, _ := o.Pending(ctx); len(p) != 0 {
			t.Errorf("pending after send: %v", p)
		}
		if ok, err := e.outbox(e.b).Enqueue(ctx, note("n1")); ok || err != nil {
			t.Errorf("Enqueue of a sent id = %v, %v", ok, err)
		}
		runOnce(t, w)
		if h.requests() != 1 || h.keys()[0] != "n1" || string(h.bodies[0]) != `{"id":"n1"}` {
			t.Errorf("server got %d requests, keys %v", h.requests(), h.keys())
		}
		if got := counter(t, reg, "yuqing_notify_sent_total", "hook"); got != 1 {
			t.Errorf("sent counter %v", got)
		}
	})
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		h := newHook(t, func(n int) int {
			if n <= 2 {
				return 500
			}
			return 200
		})
		reg := prometheus.NewRegistry()
		o := e.outbox(e.a)
		w := newWorker(e, o, &Webhook{URL: h.srv.URL}, reg, WorkerOptions{MaxAttempts: 5})
		enqueue(t, o, note("n1"))
		runOnce(t, w)
		p, err := o.Pending(ctx)
		if err != nil || len(p) != 1 || p[0].Attempts != 1 || !p[0].NextAt.Equal(t0.Add(time.Second)) || !strings.Contains(p[0].LastError, "500") {
			t.Fatalf("after one failure: %+v, %v", p, err)
		}
		runOnce(t, w) // not due yet
		if h.requests() != 1 {
			t.Fatalf("retried before due: %d requests", h.requests())
		}
		e.clk.Advance(time.Second)
		runOnce(t, w)
		if p, _ := o.Pending(ctx); len(p) != 1 || !p[0].NextAt.Equal(t0.Add(3*time.Second)) {
			t.Fatalf("after two failures: %+v (want next at +2s)", p)
		}
		e.clk.Advance(2 * time.Second)
		if got := runOnce(t, w); got != 1 {
			t.Fatalf("third attempt sent %d", got)
		}
		if keys := fmt.Sprint(h.keys()); keys != "[n1 n1 n1]" {
			t.Errorf("idempotency keys %s", keys)
		}
		if f, s := counter(t, reg, "yuqing_notify_failed_total", "hook"), counter(t, reg, "yuqing_notify_sent_total", "hook"); f != 2 || s != 1 {
			t.Errorf("failed %v sent %v", f, s)
		}
		if d, _ := o.DeadLetters(ctx); len(d) != 0 {
			t.Errorf("dead letters %v", d)
		}
	})
}

func TestAlways500GoesToDeadLetters(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		h := newHook(t, always(500))
		reg := prometheus.NewRegistry()
		o := e.outbox(e.a)
		w := newWorker(e, o, &Webhook{URL: h.srv.URL}, reg, WorkerOptions{MaxAttempts: 3})
		enqueue(t, o, note("n1"))
		for range 6 {
			runOnce(t, w)
			e.clk.Advance(time.Minute)
		}
		if h.requests() != 3 {
			t.Errorf("server got %d requests, want MaxAttempts=3", h.requests())
		}
		dead, err := e.outbox(e.b).DeadLetters(ctx)
		if err != nil || len(dead) != 1 || dead[0].ID != "n1" || dead[0].Attempts != 3 || !strings.Contains(dead[0].Error, "status 500") {
			t.Fatalf("dead letters %+v, %v", dead, err)
		}
		if p, _ := o.Pending(ctx); len(p) != 0 {
			t.Errorf("still pending: %v", p)
		}
		if d, f := counter(t, reg, "yuqing_notify_dead_total", "hook"), counter(t, reg, "yuqing_notify_failed_total", "hook"); d != 1 || f != 3 {
			t.Errorf("dead %v failed %v", d, f)
		}
		if ok, _ := o.Enqueue(ctx, note("n1")); ok {
			t.Error("Enqueue revived a dead id")
		}
		// An operator retries it by hand.
		if err := o.Retry(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
		if p, _ := o.Pending(ctx); len(p) != 1 || p[0].Attempts != 0 {
			t.Errorf("after Retry: %+v", p)
		}
		if d, _ := o.DeadLetters(ctx); len(d) != 0 {
			t.Errorf("dead after Retry: %v", d)
		}
	})
}

func TestPermanentFailuresSkipRetries(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		h := newHook(t, always(400))
		o := e.outbox(e.a)
		w := newWorker(e, o, &Webhook{URL: h.srv.URL}, nil, WorkerOptions{MaxAttempts: 5})
		enqueue(t, o, note("bad-request"))
		lost := note("lost")
		lost.Receiver = "nobody"
		enqueue(t, o, lost)
		runOnce(t, w)
		dead, err := o.DeadLetters(ctx)
		if err != nil || len(dead) != 2 {
			t.Fatalf("dead letters %+v, %v", dead, err)
		}
		for _, d := range dead {
			if d.Attempts != 1 {
				t.Errorf("%s: %d attempts, want 1", d.ID, d.Attempts)
			}
		}
		if h.requests() != 1 {
			t.Errorf("server got %d requests", h.requests())
		}
	})
}

// Two workers on two replicas drain one outbox: every notification is
// delivered exactly once and never sent by both at the same time.
func TestTwoWorkersNeverSendTheSameAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		var (
			mu       sync.Mutex
			inflight = map[string]bool{}
			got      = map[string]int{}
		)
		r := receiverFunc(func(ctx context.Context, n Notification) error {
			mu.Lock()
			if inflight[n.ID] {
				t.Errorf("%s sent twice at once", n.ID)
			}
			inflight[n.ID] = true
			got[n.ID]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			delete(inflight, n.ID)
			mu.Unlock()
			return nil
		})
		oa, ob := e.outbox(e.a), e.outbox(e.b)
		for i := range 20 {
			enqueue(t, oa, note(fmt.Sprintf("n%02d", i)))
		}
		wa := newWorker(e, oa, r, nil, WorkerOptions{Owner: "a"})
		wb := newWorker(e, ob, r, nil, WorkerOptions{Owner: "b"})
		var wg sync.WaitGroup
		for _, w := range []*Worker{wa, wb, wa, wb} {
			wg.Go(func() {
				if _, err := w.RunOnce(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if len(got) != 20 {
			t.Errorf("delivered %d distinct notifications, want 20", len(got))
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("%s delivered %d times", id, n)
			}
		}
	})
}

// A worker stopped in the middle of a send (the receiver may have the
// message) leaves it pending; another worker sends it once more, with
// the same id, and then never again.
func TestCancelMidSendRedeliversOnce(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		var (
			mu   sync.Mutex
			seen []string
		)
		entered := make(chan struct{})
		var calls atomic.Int32
		r := receiverFunc(func(ctx context.Context, n Notification) error {
			mu.Lock()
			seen = append(seen, n.ID)
			mu.Unlock()
			if calls.Add(1) == 1 {
				close(entered) // the receiver has it; now the worker dies
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		})
		o := e.outbox(e.a)
		enqueue(t, o, note("n1"))
		w1 := newWorker(e, o, r, nil, WorkerOptions{Owner: "w1", PollInterval: time.Hour})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- w1.Run(runCtx) }()
		<-entered
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if p, _ := o.Pending(ctx); len(p) != 1 || p[0].Attempts != 0 {
			t.Fatalf("after the interrupted send: pending %+v", p)
		}
		w2 := newWorker(e, e.outbox(e.b), r, nil, WorkerOptions{Owner: "w2"})
		if got := runOnce(t, w2); got != 1 {
			t.Fatalf("second worker sent %d", got)
		}
		runOnce(t, w2)
		e.clk.Advance(time.Hour)
		runOnce(t, w2)
		if fmt.Sprint(seen) != "[n1 n1]" {
			t.Errorf("receiver saw %v, want n1 twice (at-least-once, same dedupe key)", seen)
		}
	})
}

// A worker that died holding the lease blocks the notification only until
// the lease expires; one that died between recording the send and
// dequeueing it causes no second send.
func TestCrashedWorkerLeaseExpires(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, e env) {
		var sent atomic.Int32
		r := receiverFunc(func(context.Context, Notification) error { sent.Add(1); return nil })
		o := e.outbox(e.a)
		enqueue(t, o, note("n1"))
		const ttl = 300 * time.Millisecond
		if ok, err := e.a.AcquireLease(ctx, keyLease+"n1", "dead-worker", ttl); !ok || err != nil {
			t.Fatalf("taking the lease: %v %v", ok, err)
		}
		w := newWorker(e, e.outbox(e.b), r, nil, WorkerOptions{Owner: "live", LeaseTTL: ttl})
		if got := runOnce(t, w); got != 0 || sent.Load() != 0 {
			t.Fatalf("sent under another worker's lease")
		}
		e.clk.Advance(time.Second) // localstate's clock
		if e.redis {
			time.Sleep(2 * ttl) // Redis expires leases in real time
		}
		if got := runOnce(t, w); got != 1 || sent.Load() != 1 {
			t.Fatalf("after lease expiry sent %d (receiver %d)", got, sent.Load())
		}

		// Died after recording n2 as sent, before dequeueing it.
		enqueue(t, o, note("n2"))
		if err := e.a.Set(ctx, keySent+"n2", []byte("1"), time.Hour); err != nil {
			t.Fatal(err)
		}
		runOnce(t, w)
		if sent.Load() != 1 {
			t.Errorf("resent a notification recorded as sent")
		}
		if p, _ := o.Pending(ctx); len(p) != 0 {
			t.Errorf("pending %v", p)
		}
	})
}

func TestRateLimitPerReceiver(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		var sent atomic.Int32
		r := receiverFunc(func(context.Context, Notification) error { sent.Add(1); return nil })
		o := e.outbox(e.a)
		for i := range 6 {
			enqueue(t, o, note(fmt.Sprint("n", i)))
		}
		w := newWorker(e, o, r, nil, WorkerOptions{RateLimits: map[string]RateLimit{"hook": {PerSecond: 1, Burst: 2}}})
		steps := []struct {
			advance time.Duration
			want    int
		}{{0, 2}, {0, 0}, {time.Second, 1}, {time.Hour, 2}, {time.Hour, 1}}
		for i, s := range steps {
			e.clk.Advance(s.advance)
			if got := runOnce(t, w); got != s.want {
				t.Errorf("step %d: sent %d, want %d", i, got, s.want)
			}
		}
	})
}

func TestRunWakesOnEnqueue(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		got := make(chan string, 1)
		r := receiverFunc(func(_ context.Context, n Notification) error { got <- n.ID; return nil })
		o := e.outbox(e.a)
		w := newWorker(e, o, r, nil, WorkerOptions{PollInterval: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		enqueue(t, o, note("n1"))
		select {
		case id := <-got:
			if id != "n1" {
				t.Errorf("sent %s", id)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not pick up the enqueued notification")
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func TestEnqueueValidates(t *testing.T) {
	o := NewOutbox(nil, OutboxOptions{})
	if _, err := o.Enqueue(context.Background(), Notification{ID: "x"}); err == nil {
		t.Error("Enqueue without receiver succeeded")
	}
}

func TestRetryMissingDeadLetter(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		if err := e.outbox(e.a).Retry(context.Background(), "nope"); !errors.Is(err, state.ErrNotFound) {
			t.Errorf("Retry(nope) = %v, want ErrNotFound", err)
		}
	})
}

// Dead letters expire after DeadTTL (they hold a copy of their alert,
// which alerts_retention deletes too).
func TestDeadLettersExpire(t *testing.T) {
	ctx := context.Background()
	clk := testclock.New(t0)
	st := teststate.Local(t, clk.Now)
	o := NewOutbox(st, OutboxOptions{Now: clk.Now, DeadTTL: time.Hour})
	e := env{a: st, b: st, clk: clk}
	h := newHook(t, always(500))
	w := newWorker(e, o, &Webhook{URL: h.srv.URL}, prometheus.NewRegistry(), WorkerOptions{MaxAttempts: 1})
	enqueue(t, o, note("n1"))
	runOnce(t, w)
	if dead, err := o.DeadLetters(ctx); err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
	clk.Advance(2 * time.Hour)
	if dead, err := o.DeadLetters(ctx); err != nil || len(dead) != 0 {
		t.Fatalf("after DeadTTL: %+v, %v", dead, err)
	}
}
