package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/state"
)

// Options are what a Runner needs besides its sources.
type Options struct {
	// State holds cursors, leases and statuses: fsynced in embedded mode,
	// Redis in distributed mode.
	State state.Store
	// Dedup holds the dedup fingerprints (many small writes; the soft
	// state in embedded mode); nil means State.
	Dedup    state.Store
	Producer bus.Producer
	RawTopic string
	// Owner names this replica in leases; it must differ between
	// replicas (host, pid and a random part).
	Owner   string
	Collect configs.Collect
	Limits  ingest.Limits
	// Location is the zone of cron schedules and of "today".
	Location   *time.Location
	Now        func() time.Time
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Runner polls and streams the configured sources and delivers their
// items to the raw topic.
type Runner struct {
	o       Options
	reg     *Registry
	srcs    []configs.Source
	book    statusBook
	deliver *deliverer
	metrics *metrics
	log     *slog.Logger
}

// NewRunner builds every enabled source once, so that a config a factory
// refuses (a selector that does not compile) fails at start, naming the
// source. Sources are built again each time this replica takes a lease.
func NewRunner(o Options, reg *Registry, srcs []configs.Source) (*Runner, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Dedup == nil {
		o.Dedup = o.State
	}
	m := newMetrics(o.Registerer)
	r := &Runner{o: o, reg: reg, srcs: srcs, metrics: m, log: o.Logger,
		book: statusBook{st: o.State, loc: o.Location},
		deliver: &deliverer{dedup: o.Dedup, producer: o.Producer, rawTopic: o.RawTopic,
			window: o.Collect.DedupWindow, limits: o.Limits, now: o.Now, metrics: m}}
	var errs []error
	for _, src := range srcs {
		if !src.IsEnabled() || src.Type == configs.SourceHTTPPush {
			continue
		}
		s, err := reg.Build(src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if c, ok := s.(Closer); ok {
			_ = c.Close()
		}
	}
	return r, errors.Join(errs...)
}

// Run reads every enabled polled and streamed source until ctx is done,
// each in its own goroutine, and releases their leases on the way out.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, src := range r.srcs {
		if !src.IsEnabled() || src.Type == configs.SourceHTTPPush {
			continue
		}
		wg.Go(func() { r.runSource(ctx, src) })
	}
	wg.Wait()
}

// sourceLoop is the state of one source's goroutine.
type sourceLoop struct {
	r        *Runner
	src      configs.Source
	schedule cron.Schedule // nil for a streamed source
	source   Source        // built while the lease is held
	held     bool
	failures int
	log      *slog.Logger
}

func (r *Runner) runSource(ctx context.Context, src configs.Source) {
	l := &sourceLoop{r: r, src: src, log: r.log.With("source", src.Name, "type", src.Type)}
	if src.Polled() {
		var err error
		if l.schedule, err = schedule(src); err != nil { // validated by configs; keep going safely
			l.log.ErrorContext(ctx, "bad schedule; source not read", "err", err)
			return
		}
	}
	defer l.release()
	ttl := r.o.Collect.LeaseTTL
	var next time.Time // zero: read at once when the lease is taken
	for ctx.Err() == nil {
		if !l.renew(ctx) {
			sleep(ctx, ttl/3)
			continue
		}
		now := r.o.Now()
		if now.Before(next) {
			sleep(ctx, min(next.Sub(now), ttl/3))
			continue
		}
		err := l.poll(ctx)
		if ctx.Err() != nil {
			return
		}
		now = r.o.Now()
		if err != nil {
			l.failures++
			wait := l.backoff()
			l.log.WarnContext(ctx, "reading source failed", "err", err, "failures", l.failures, "retry_in", wait)
			next = now.Add(wait)
			l.drop() // rebuild from config and cursor on the next try
			continue
		}
		l.failures = 0
		if l.schedule == nil {
			next = now // streamed: read again at once
		} else {
			next = l.schedule.Next(now.In(r.o.Location))
		}
	}
}

// schedule returns when a polled source is read.
func schedule(src configs.Source) (cron.Schedule, error) {
	if src.Schedule != "" {
		return cron.ParseStandard(src.Schedule)
	}
	if src.Interval <= 0 {
		return nil, fmt.Errorf("interval %s is not positive", src.Interval)
	}
	return constantDelay(src.Interval), nil
}

// constantDelay is cron.Every without its rounding to whole seconds.
type constantDelay time.Duration

func (d constantDelay) Next(t time.Time) time.Time { return t.Add(time.Duration(d)) }

// backoff is the wait after the latest failure: BackoffInitial doubling,
// capped at the larger of BackoffMax and the source's interval, with
// jitter in [d/2, d].
func (l *sourceLoop) backoff() time.Duration {
	c := l.r.o.Collect
	limit := max(c.BackoffMax, l.src.Interval)
	d := c.BackoffInitial
	for i := 1; i < l.failures && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + rand.N(d/2+1)
}

func leaseKey(name string) string { return "collect:lease:" + name }

// renew takes or extends the lease; it reports whether this replica
// holds it. Losing the lease closes the source so that a streamed source
// leaves its consumer group to the new holder.
func (l *sourceLoop) renew(ctx context.Context) bool {
	ok, err := l.r.o.State.AcquireLease(ctx, leaseKey(l.src.Name), l.r.o.Owner, l.r.o.Collect.LeaseTTL)
	if err != nil && ctx.Err() == nil {
		l.log.WarnContext(ctx, "renewing source lease", "err", err)
	}
	if ok != l.held {
		l.log.InfoContext(ctx, map[bool]string{true: "took source lease", false: "lost source lease"}[ok])
		if !ok {
			l.drop()
		}
	}
	l.held = ok && err == nil
	l.r.metrics.holding.WithLabelValues(l.src.Name).Set(map[bool]float64{true: 1}[l.held])
	return l.held
}

func (l *sourceLoop) release() {
	l.drop()
	if l.held {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = l.r.o.State.ReleaseLease(ctx, leaseKey(l.src.Name), l.r.o.Owner)
		l.r.metrics.holding.WithLabelValues(l.src.Name).Set(0)
	}
}

// drop closes the built source.
func (l *sourceLoop) drop() {
	if c, ok := l.source.(Closer); ok {
		if err := c.Close(); err != nil {
			l.log.Warn("closing source", "err", err)
		}
	}
	l.source = nil
}

func cursorKey(name string) string { return "collect:cursor:" + name }

// poll reads the source until a batch says there is no more, delivering
// each batch before storing its cursor. It renews the lease before every
// read and stops if it was lost.
func (l *sourceLoop) poll(ctx context.Context) error {
	r := l.r
	if l.source == nil {
		s, err := r.reg.Build(l.src)
		if err != nil {
			return err
		}
		l.source = s
	}
	st, err := r.book.load(ctx, l.src)
	if err != nil {
		return err
	}
	st.Holder = r.o.Owner
	produced, err := l.readAll(ctx, &st)
	if err != nil && ctx.Err() != nil {
		// Shutting down mid-poll is not the source failing: leave its
		// status as the last finished poll left it (what was produced is
		// in the per-day counters, and the cursor says where to go on).
		return err
	}
	now := r.o.Now()
	if err != nil {
		r.metrics.polls.WithLabelValues(l.src.Name, "error").Inc()
		recordFailure(&st, now, err)
	} else {
		r.metrics.polls.WithLabelValues(l.src.Name, "ok").Inc()
		r.metrics.lastOK.WithLabelValues(l.src.Name).Set(float64(now.Unix()))
		recordSuccess(&st, l.src, now, produced)
		if produced > 0 {
			r.metrics.lastItem.WithLabelValues(l.src.Name).Set(float64(now.Unix()))
		}
	}
	judge(&st, l.src, now)
	r.metrics.quiet.WithLabelValues(l.src.Name).Set(map[bool]float64{true: 1}[st.State == StateQuiet])
	if serr := r.book.save(context.WithoutCancel(ctx), st); serr != nil {
		l.log.WarnContext(ctx, "saving source status", "err", serr)
	}
	return err
}

// readAll runs Read → deliver → store cursor → Ack until the batch has
// no more; it returns the items produced.
func (l *sourceLoop) readAll(ctx context.Context, st *Status) (int, error) {
	r := l.r
	produced := 0
	for first := true; ; first = false {
		if !first && !l.renew(ctx) {
			return produced, nil // another replica has it now
		}
		cur, err := r.o.State.Get(ctx, cursorKey(l.src.Name))
		if err != nil && !errors.Is(err, state.ErrNotFound) {
			return produced, fmt.Errorf("reading cursor: %w", err)
		}
		b, err := l.source.Read(ctx, cur)
		if err != nil {
			return produced, err
		}
		out, err := r.deliver.deliver(ctx, l.src, b.Posts)
		if err != nil {
			return produced, err
		}
		if b.Cursor != nil {
			if err := r.o.State.Set(ctx, cursorKey(l.src.Name), b.Cursor, 0); err != nil {
				return produced, fmt.Errorf("storing cursor: %w", err)
			}
		}
		if out.claim != nil {
			if err := out.claim(ctx); err != nil {
				return produced, err
			}
		}
		if b.Ack != nil {
			if err := b.Ack(ctx); err != nil {
				l.log.WarnContext(ctx, "acknowledging batch (it is retried by the next read)", "err", err)
			}
		}
		produced += len(out.produced)
		r.count(ctx, l.src, l.log, b.Rejects, out)
		if !b.More || ctx.Err() != nil {
			return produced, nil
		}
		if len(b.Posts) == 0 && len(b.Rejects) == 0 && l.schedule == nil {
			// a streamed source with nothing new: end this round so the
			// status is saved and the loop can check its lease
			return produced, nil
		}
	}
}

// count records rejects and duplicates in the metrics, the log and the
// per-day counters.
func (r *Runner) count(ctx context.Context, src configs.Source, log *slog.Logger, sourceRejects []ingest.Reject, out outcome) {
	now := r.o.Now()
	rejects := slices.Concat(sourceRejects, out.rejects)
	for _, rej := range rejects {
		r.metrics.rejects.WithLabelValues(src.Name, rej.Code).Inc()
		log.WarnContext(ctx, "item rejected", "code", rej.Code, "id", rej.ID, "line", rej.Line, "msg", rej.Message)
	}
	for kind, n := range map[string]int{"items": len(out.produced), "dups": len(out.dups), "rejects": len(rejects)} {
		if err := r.book.count(ctx, kind, src.Name, now, int64(n)); err != nil {
			log.WarnContext(ctx, "counting source items", "err", err)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
