package report

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/yuqing-dev/yuqing/state"
)

// Scheduler generates the configured reports on their cron schedules,
// archives them, delivers them and prunes the archive.
//
// A run that fails (generation, archive or delivery) is logged and retried
// at the schedule's next tick, before that tick's own period. With State
// set, a run takes a lease (report:lease:<id>) so that of several report
// replicas only one generates a given report, and records it done
// (report:done:<id>, kept twice the retention) so that no replica
// generates it again.
type Scheduler struct {
	Service *Service
	Config  Config
	// Deliver sends a generated scheduled report to Config.Receivers; nil
	// delivers nothing. An error makes the run fail (and be retried).
	Deliver func(ctx context.Context, r Report, html []byte) error
	// State is the shared state of replicas; nil for one process.
	State state.Store
	// LeaseTTL bounds one generation (default 30 min).
	LeaseTTL time.Duration
	Logger   *slog.Logger
	// Now is the clock of periods and retention (default time.Now).
	Now func() time.Time

	mu      sync.Mutex
	pending map[string][]Period // failed periods per schedule
	owner   string
	c       *cron.Cron
}

// Start validates the config, prunes the archive and starts the cron
// jobs; stop ends them and waits for a running job.
func (s *Scheduler) Start(ctx context.Context) (stop func(), err error) {
	if err := s.Config.Validate(); err != nil {
		return nil, err
	}
	loc, _ := s.Config.Location()
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.LeaseTTL <= 0 {
		s.LeaseTTL = 30 * time.Minute
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	s.owner, s.pending = hex.EncodeToString(b[:]), map[string][]Period{}
	s.prune()
	s.c = cron.New(cron.WithLocation(loc), cron.WithParser(cronParser))
	jctx, cancel := context.WithCancel(ctx)
	for _, sc := range s.Config.Schedules {
		if _, err := s.c.AddFunc(sc.Cron, func() { s.Tick(jctx, sc) }); err != nil {
			cancel()
			return nil, fmt.Errorf("%w: schedule %s: %v", ErrInvalid, sc.Name, err)
		}
	}
	s.c.Start()
	return func() {
		cancel()
		<-s.c.Stop().Done()
	}, nil
}

// Tick runs schedule sc once: the periods that failed before, then the
// last complete period now. Jobs of one schedule never overlap (cron runs
// each in its own goroutine; a tick waits for the previous one).
func (s *Scheduler) Tick(ctx context.Context, sc ScheduleConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, _ := s.Config.Location()
	p, err := LastPeriod(Kind(sc.Period), s.Now(), loc)
	if err != nil {
		s.Logger.ErrorContext(ctx, "report schedule", "schedule", sc.Name, "err", err)
		return
	}
	todo := append(s.pending[sc.Name], p)
	s.pending[sc.Name] = nil
	seen := map[string]bool{}
	for _, per := range todo {
		id := ScheduledID(sc.Name, per, loc)
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := s.runOnce(ctx, sc, per, id); err != nil {
			s.Logger.ErrorContext(ctx, "scheduled report failed; retrying at the next tick", "schedule", sc.Name, "id", id, "err", err)
			s.pending[sc.Name] = append(s.pending[sc.Name], per)
		}
	}
	s.prune()
}

var errLeased = errors.New("another replica holds the lease")

func (s *Scheduler) runOnce(ctx context.Context, sc ScheduleConfig, p Period, id string) error {
	if s.State != nil {
		if _, err := s.State.Get(ctx, "report:done:"+id); err == nil {
			return nil
		} else if !errors.Is(err, state.ErrNotFound) {
			return err
		}
		ok, err := s.State.AcquireLease(ctx, "report:lease:"+id, s.owner, s.LeaseTTL)
		if err != nil {
			return err
		}
		if !ok {
			s.Logger.InfoContext(ctx, "scheduled report", "id", id, "skipped", errLeased.Error())
			return nil
		}
		defer s.State.ReleaseLease(context.WithoutCancel(ctx), "report:lease:"+id, s.owner)
	}
	r, html, err := s.Service.Run(ctx, p, id, sc.Name)
	if err != nil {
		return err
	}
	if s.Deliver != nil {
		if err := s.Deliver(ctx, r, html); err != nil {
			return fmt.Errorf("delivering report %s: %w", id, err)
		}
	}
	if s.State != nil {
		keep, _ := s.Config.RetentionPeriod()
		if keep == 0 {
			keep = 366 * 24 * time.Hour
		}
		at := strconv.FormatInt(s.Now().Unix(), 10)
		if err := s.State.Set(ctx, "report:done:"+id, []byte(at), 2*keep); err != nil {
			return err
		}
	}
	s.Logger.InfoContext(ctx, "scheduled report", "id", id, "title", r.Title)
	return nil
}

func (s *Scheduler) prune() {
	keep, _ := s.Config.RetentionPeriod()
	gone, err := s.Service.Archive.Prune(s.Now(), keep)
	if err != nil {
		s.Logger.Error("pruning reports", "err", err)
	}
	if len(gone) > 0 {
		s.Logger.Info("pruned reports", "ids", gone)
	}
}
