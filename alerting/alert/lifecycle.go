package alert

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Ack acknowledges alert id for who. Only a firing or silenced alert can be
// acknowledged; anything else returns an error wrapping ErrTransition. A
// missing alert returns an error wrapping ErrNotFound.
func (s *Store) Ack(ctx context.Context, id, who, comment string) (Alert, error) {
	if who == "" {
		return Alert{}, fmt.Errorf("acknowledging alert %s: empty actor: %w", id, ErrInvalid)
	}
	return s.modify(ctx, id, func(a *Alert) error {
		if a.Status != StatusFiring && a.Status != StatusSilenced {
			return fmt.Errorf("acknowledging alert %s (%s): %w", id, a.Status, ErrTransition)
		}
		now := s.opts.Now()
		a.Status = StatusAcknowledged
		a.AckedBy = who
		a.AckedAt = &now
		a.appendEvent(Event{At: now, Actor: who, Action: ActionAcknowledged, Comment: comment}, s.opts.MaxTimeline)
		return nil
	})
}

// Resolve resolves alert id for who. Resolving a resolved alert returns an
// error wrapping ErrTransition; a missing one, ErrNotFound.
func (s *Store) Resolve(ctx context.Context, id, who, comment string) (Alert, error) {
	if who == "" {
		return Alert{}, fmt.Errorf("resolving alert %s: empty actor: %w", id, ErrInvalid)
	}
	return s.modify(ctx, id, func(a *Alert) error {
		return s.resolve(a, s.opts.Now(), who, comment)
	})
}

func (s *Store) resolve(a *Alert, now time.Time, who, comment string) error {
	if a.Status == StatusResolved {
		return fmt.Errorf("resolving alert %s: already resolved: %w", a.ID, ErrTransition)
	}
	a.Status = StatusResolved
	a.ResolvedAt = &now
	a.appendEvent(Event{At: now, Actor: who, Action: ActionResolved, Comment: comment}, s.opts.MaxTimeline)
	return nil
}

// ResolveQuiet resolves, as SystemActor, every open alert whose last_seen
// is at least quiet before now, and returns the alerts it resolved (so the
// caller can notify "resolved"). An alert that got new evidence or was
// resolved by someone else meanwhile is left alone. It stops at the first
// storage error, returning what it resolved so far.
func (s *Store) ResolveQuiet(ctx context.Context, quiet time.Duration) ([]Alert, error) {
	all, err := s.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	var done []Alert
	for _, c := range all {
		now := s.opts.Now()
		if !c.Open() || now.Sub(c.LastSeen) < quiet {
			continue
		}
		a, err := s.modify(ctx, c.ID, func(a *Alert) error {
			if !a.Open() || now.Sub(a.LastSeen) < quiet {
				return errSkip
			}
			return s.resolve(a, now, SystemActor, fmt.Sprintf("no new evidence for %v", quiet))
		})
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return done, err
		}
		done = append(done, a)
	}
	return done, nil
}

var errSkip = errors.New("skip")

// Escalate raises alert id to escalation level, recording who was
// notified, if it is still firing and below that level. It reports whether
// it did: two replicas escalating at once raise it once (the alert's
// lease serialises them), and an acknowledged or resolved alert is not
// escalated.
func (s *Store) Escalate(ctx context.Context, id string, level int, notified string) (Alert, bool, error) {
	done := false
	a, err := s.modify(ctx, id, func(a *Alert) error {
		if a.Status != StatusFiring || a.EscalationLevel >= level {
			return nil
		}
		a.EscalationLevel = level
		a.appendEvent(Event{At: s.opts.Now(), Actor: "yuqing", Action: ActionEscalated,
			Comment: fmt.Sprintf("level %d: notified %s", level, notified)}, s.opts.MaxTimeline)
		done = true
		return nil
	})
	return a, done, err
}
