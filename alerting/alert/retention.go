package alert

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultRetention is how long a resolved alert is kept when
// Options.Retention is 0.
const DefaultRetention = 180 * 24 * time.Hour

// Expire deletes for real, from the state, every resolved alert whose
// resolution is more than Options.Retention before now, with its evidence
// (doc_ids), explanation and timeline, which live in the alert. (Its
// fingerprint keys expire on their own, FingerprintTTL after the last
// match; the head that names the latest generation is kept one more
// retention period, so the deleted alert's id is not reused.) Open alerts (firing,
// acknowledged, silenced) are kept whatever their age: an incident nobody
// closed is not history yet. It returns how many alerts it deleted and
// stops at the first storage error. The alerting stage calls it
// periodically (beside ResolveQuiet); it is cheap when nothing expired.
//
// Retention < 0 turns expiry off (Expire deletes nothing).
func (s *Store) Expire(ctx context.Context) (int, error) {
	if s.opts.Retention < 0 {
		return 0, nil
	}
	keys, err := s.st.Keys(ctx, keyAlert)
	if err != nil {
		return 0, fmt.Errorf("listing alerts to expire: %w", err)
	}
	n := 0
	for _, k := range keys {
		id := k[len(keyAlert):]
		a, err := s.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if !s.expired(&a) {
			continue
		}
		done, err := s.deleteExpired(ctx, id)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// expired reports whether a is resolved and past the retention period.
func (s *Store) expired(a *Alert) bool {
	if a.Status != StatusResolved {
		return false
	}
	at := a.LastSeen
	if a.ResolvedAt != nil && a.ResolvedAt.After(at) {
		at = *a.ResolvedAt
	}
	return s.opts.Now().Sub(at) > s.opts.Retention
}

// deleteExpired deletes alert id under its lease if it is still expired
// (nobody changed it meanwhile).
func (s *Store) deleteExpired(ctx context.Context, id string) (bool, error) {
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return false, err
	}
	defer unlock()
	a, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !s.expired(&a) {
		return false, nil
	}
	if err := s.keepHead(ctx, &a); err != nil {
		return false, err
	}
	if err := s.st.Delete(ctx, keyAlert+id); err != nil {
		return false, fmt.Errorf("deleting expired alert %s: %w", id, err)
	}
	return true, nil
}

// keepHead makes the fingerprint's head remember a's generation for
// another retention period, so that the next incident of the fingerprint
// takes a later generation and the deleted alert's id is not given to a
// new alert (audit entries and reports may still name it).
func (s *Store) keepHead(ctx context.Context, a *Alert) error {
	genStr, ok := strings.CutPrefix(a.ID, a.Fingerprint+"-")
	gen, err := strconv.ParseInt(genStr, 10, 64)
	if !ok || err != nil {
		return nil // not an id Raise made
	}
	cur, err := s.head(ctx, a.Fingerprint)
	if err != nil {
		return err
	}
	if err := s.st.Set(ctx, keyFPHead+a.Fingerprint, []byte(strconv.FormatInt(max(cur, gen), 10)), s.opts.Retention); err != nil {
		return fmt.Errorf("recording fingerprint %s of expired alert %s: %w", a.Fingerprint, a.ID, err)
	}
	return nil
}
