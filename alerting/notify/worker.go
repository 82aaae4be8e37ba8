package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Worker defaults.
const (
	DefaultLeaseTTL     = 30 * time.Second
	DefaultPollInterval = time.Second
	DefaultMaxAttempts  = 8
)

// WorkerOptions configures a Worker.
type WorkerOptions struct {
	// Receivers maps receiver names to receivers. A notification for a
	// name not in it goes to the dead-letter list.
	Receivers map[string]Receiver
	// Owner names this worker in leases (each claim appends a sequence
	// number); default random.
	Owner string
	// LeaseTTL is how long a claim on a notification lasts; a send is cut
	// off at half of it. Default DefaultLeaseTTL.
	LeaseTTL time.Duration
	// PollInterval is how often Run looks for due notifications when
	// Enqueue on the same Outbox did not wake it. Default
	// DefaultPollInterval.
	PollInterval time.Duration
	// Backoff is the retry schedule; zero means DefaultBackoff.
	Backoff Backoff
	// MaxAttempts is how many sends are tried before a notification goes
	// to the dead-letter list. Default DefaultMaxAttempts.
	MaxAttempts int
	// RateLimits caps sends per receiver name, per worker; receivers not
	// in it are not limited. A rate-limited notification stays due.
	RateLimits map[string]RateLimit
	// Registerer receives the sent/failed/dead counters; nil means no
	// metrics. Give each Worker its own (or only one Worker a non-nil one).
	Registerer prometheus.Registerer
	// Logger receives failures; default slog.Default().
	Logger *slog.Logger
	// Now is the clock of due times and rate limits; default time.Now.
	Now func() time.Time
}

// Worker drains an Outbox. Several Workers, in one process or many (and
// concurrent RunOnce calls of one Worker), can drain one outbox: a lease per notification keeps them from sending the
// same one at the same time.
type Worker struct {
	o       *Outbox
	opts    WorkerOptions
	m       *metrics
	log     *slog.Logger
	buckets map[string]*bucket
	seq     atomic.Uint64
}

// NewWorker returns a Worker for o.
func NewWorker(o *Outbox, opts WorkerOptions) *Worker {
	if opts.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		opts.Owner = "notify-" + hex.EncodeToString(b[:])
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = DefaultLeaseTTL
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	w := &Worker{o: o, opts: opts, m: newMetrics(opts.Registerer), log: log.With("component", "notify", "owner", opts.Owner),
		buckets: map[string]*bucket{}}
	for name, l := range opts.RateLimits {
		w.buckets[name] = newBucket(l, opts.Now())
	}
	return w
}

// Run sends due notifications until ctx is done, then returns nil. It looks
// every PollInterval and whenever Enqueue on the same Outbox adds one.
// Storage errors are logged and retried at the next poll.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.opts.PollInterval)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("draining outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.o.wake:
		}
	}
}

// RunOnce makes one pass over the notifications due now, oldest due first,
// and returns how many it delivered. It skips notifications another worker
// holds. It stops at the first storage error or when ctx is done; a send
// interrupted by ctx leaves its notification to be sent again.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	pending, err := w.o.Pending(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range pending {
		if n.NextAt.After(w.opts.Now()) {
			break
		}
		ok, err := w.claimAndSend(ctx, n.ID)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// claimAndSend sends notification id under its lease and reports whether
// it was delivered.
func (w *Worker) claimAndSend(ctx context.Context, id string) (bool, error) {
	key := keyLease + id
	owner := w.opts.Owner + ":" + strconv.FormatUint(w.seq.Add(1), 10) // one claim, one owner
	got, err := w.o.st.AcquireLease(ctx, key, owner, w.opts.LeaseTTL)
	if err != nil || !got {
		return false, err
	}
	defer func() { _ = w.o.st.ReleaseLease(context.WithoutCancel(ctx), key, owner) }()
	// Re-read under the lease: another worker may have finished it.
	n, ok, err := w.o.get(ctx, id)
	if err != nil || !ok || n.NextAt.After(w.opts.Now()) {
		return false, err
	}
	if sent, err := w.o.wasSent(ctx, id); err != nil || sent {
		if sent { // a worker died between recording and dequeueing
			err = w.o.markSent(ctx, id)
		}
		return false, err
	}
	if b := w.buckets[n.Receiver]; b != nil && !b.allow(w.opts.Now()) {
		return false, nil
	}
	return w.send(ctx, n)
}

func (w *Worker) send(ctx context.Context, n Notification) (bool, error) {
	r, known := w.opts.Receivers[n.Receiver]
	label := n.Receiver
	var err error
	if !known {
		label = "unknown"
		err = Permanent(fmt.Errorf("no receiver named %q", n.Receiver))
	} else {
		sctx, cancel := context.WithTimeout(ctx, w.opts.LeaseTTL/2)
		err = r.Send(sctx, n)
		cancel()
	}
	if err == nil {
		w.m.sent.WithLabelValues(label).Inc()
		// Record it even when we are shutting down, to spare a resend.
		return true, w.o.markSent(context.WithoutCancel(ctx), n.ID)
	}
	if ctx.Err() != nil {
		// Shutting down mid-send: we do not know whether it arrived. Leave
		// it pending; it is sent again (at least once, same id).
		return false, ctx.Err()
	}
	w.m.failed.WithLabelValues(label).Inc()
	n.Attempts++
	n.LastError = err.Error()
	if errors.Is(err, ErrPermanent) || n.Attempts >= w.opts.MaxAttempts {
		w.m.dead.WithLabelValues(label).Inc()
		w.log.Warn("notification dead", "id", n.ID, "receiver", n.Receiver, "attempts", n.Attempts, "err", err)
		return false, w.o.bury(ctx, n, err)
	}
	n.NextAt = w.opts.Now().Add(w.opts.Backoff.Delay(n.Attempts))
	w.log.Info("notification failed, will retry", "id", n.ID, "receiver", n.Receiver, "attempts", n.Attempts, "next_at", n.NextAt, "err", err)
	return false, w.o.put(ctx, n)
}
