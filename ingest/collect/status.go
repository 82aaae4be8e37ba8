package collect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/state"
)

// Source states reported by GET /api/v1/sources.
const (
	StateOK       = "ok"       // the last poll succeeded and items arrive as usual
	StateFailing  = "failing"  // the last poll (or push) failed
	StateQuiet    = "quiet"    // reachable, but nothing new for longer than usual
	StatePending  = "pending"  // not polled yet
	StateDisabled = "disabled" // enabled: false
)

// minProductive is how many productive polls it takes to know how often a
// source normally produces (before that it is never called quiet, unless
// quiet_after is set).
const minProductive = 3

// Status is what the collectors know about one source. The replica
// holding the source's lease writes it to the shared state after every
// poll, so any replica can report it.
type Status struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	// Holder is the collector replica polling it (polled and streamed
	// sources).
	Holder      string    `json:"holder,omitempty"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Failures counts the polls failed in a row.
	Failures   int       `json:"consecutive_failures"`
	LastItemAt time.Time `json:"last_item_at,omitzero"`
	ItemsToday int64     `json:"items_today"`
	// QuietAfter is the silence after which the source is quiet: the
	// configured quiet_after, or four times its usual gap between items
	// (at least 1h); 0 while that is not known yet.
	QuietAfter Seconds `json:"quiet_after_seconds"`
	// Gap is the smoothed time between productive polls.
	Gap        Seconds `json:"gap_seconds"`
	Productive int     `json:"productive_polls"`
	// Duplicates and Rejects count what was dropped today.
	DuplicatesToday int64 `json:"duplicates_today"`
	RejectsToday    int64 `json:"rejects_today"`
}

// Seconds is a duration written in JSON as (fractional) seconds.
type Seconds time.Duration

// MarshalJSON writes the seconds.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, time.Duration(s).Seconds(), 'f', -1, 64), nil
}

// UnmarshalJSON reads seconds.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration in seconds: %w", err)
	}
	*s = Seconds(f * float64(time.Second))
	return nil
}

// statusBook reads and writes statuses in the shared state.
type statusBook struct {
	st  state.Store
	loc *time.Location
}

func statusKey(name string) string { return "collect:status:" + name }

func (b statusBook) dayKey(kind, name string, t time.Time) string {
	return "collect:" + kind + ":" + name + ":" + t.In(b.loc).Format("20060102")
}

func (b statusBook) load(ctx context.Context, src configs.Source) (Status, error) {
	s := Status{Name: src.Name, Type: src.Type}
	v, err := b.st.Get(ctx, statusKey(src.Name))
	switch {
	case errors.Is(err, state.ErrNotFound):
		return s, nil
	case err != nil:
		return s, fmt.Errorf("reading status of source %s: %w", src.Name, err)
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return Status{Name: src.Name, Type: src.Type}, nil // an unreadable old status starts afresh
	}
	s.Name, s.Type = src.Name, src.Type
	return s, nil
}

func (b statusBook) save(ctx context.Context, s Status) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := b.st.Set(ctx, statusKey(s.Name), v, 0); err != nil {
		return fmt.Errorf("writing status of source %s: %w", s.Name, err)
	}
	return nil
}

// count adds n to a per-day counter (items, duplicates, rejects).
func (b statusBook) count(ctx context.Context, kind, name string, now time.Time, n int64) error {
	if n == 0 {
		return nil
	}
	_, err := b.st.IncrBy(ctx, b.dayKey(kind, name, now), n, 48*time.Hour)
	return err
}

func (b statusBook) today(ctx context.Context, kind, name string, now time.Time) int64 {
	v, err := b.st.Get(ctx, b.dayKey(kind, name, now))
	if err != nil {
		return 0
	}
	var n int64
	_, _ = fmt.Sscan(string(v), &n)
	return n
}

// recordSuccess updates s after a poll that produced n new items.
func recordSuccess(s *Status, src configs.Source, now time.Time, n int) {
	s.LastAttempt, s.LastSuccess = now, now
	s.Failures = 0
	if n == 0 {
		return
	}
	if !s.LastItemAt.IsZero() {
		gap := Seconds(now.Sub(s.LastItemAt))
		if s.Gap == 0 {
			s.Gap = gap
		} else {
			s.Gap = Seconds(0.3*float64(gap) + 0.7*float64(s.Gap))
		}
	}
	s.LastItemAt = now
	s.Productive++
}

// recordFailure updates s after a failed poll.
func recordFailure(s *Status, now time.Time, err error) {
	s.LastAttempt = now
	s.LastError = err.Error()
	s.LastErrorAt = now
	s.Failures++
}

// judge sets State, Reason and QuietAfter from what s records.
func judge(s *Status, src configs.Source, now time.Time) {
	s.QuietAfter = Seconds(src.QuietAfter)
	if s.QuietAfter == 0 && s.Productive >= minProductive && s.Gap > 0 {
		s.QuietAfter = Seconds(max(4*time.Duration(s.Gap), time.Hour))
	}
	switch {
	case !src.IsEnabled():
		s.State, s.Reason = StateDisabled, "enabled: false"
	case s.Failures > 0:
		s.State = StateFailing
		s.Reason = fmt.Sprintf("%d failed in a row, last: %s", s.Failures, s.LastError)
	case s.LastAttempt.IsZero() && s.LastItemAt.IsZero():
		s.State, s.Reason = StatePending, "not read yet"
	case s.QuietAfter > 0 && !s.LastItemAt.IsZero() && now.Sub(s.LastItemAt) > time.Duration(s.QuietAfter):
		s.State = StateQuiet
		s.Reason = fmt.Sprintf("nothing new for %s (usually within %s)", now.Sub(s.LastItemAt).Round(time.Second), time.Duration(s.QuietAfter).Round(time.Second))
	default:
		s.State, s.Reason = StateOK, ""
	}
}

// Statuses reports every configured source, as the shared state records
// it, judged at now. Any replica can answer it.
func Statuses(ctx context.Context, st state.Store, loc *time.Location, srcs []configs.Source, now time.Time) ([]Status, error) {
	b := statusBook{st: st, loc: loc}
	out := make([]Status, 0, len(srcs))
	for _, src := range srcs {
		s, err := b.load(ctx, src)
		if err != nil {
			return nil, err
		}
		s.ItemsToday = b.today(ctx, "items", src.Name, now)
		s.DuplicatesToday = b.today(ctx, "dups", src.Name, now)
		s.RejectsToday = b.today(ctx, "rejects", src.Name, now)
		judge(&s, src, now)
		out = append(out, s)
	}
	return out, nil
}
