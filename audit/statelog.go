package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// State is the distributed audit log: one key per entry in the shared
// state, audit:<day>:<time>:<rand>, expiring after the retention.
type State struct {
	st        state.Store
	retention time.Duration
	now       func() time.Time
}

// NewState returns the log kept in st. now is the clock (nil: time.Now).
func NewState(st state.Store, retention time.Duration, now func() time.Time) *State {
	if now == nil {
		now = time.Now
	}
	return &State{st: st, retention: retention, now: now}
}

// Append stores e.
func (s *State) Append(ctx context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = e.Time.UTC()
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding audit entry: %w", err)
	}
	r := make([]byte, 6)
	_, _ = rand.Read(r)
	key := "audit:" + e.Time.Format(time.DateOnly) + ":" + e.Time.Format("15:04:05.000000000") + ":" + hex.EncodeToString(r)
	ttl := s.retention
	if ttl > 0 {
		if ttl = e.Time.Add(s.retention).Sub(s.now()); ttl <= 0 {
			return nil // older than the retention already
		}
	}
	if err := s.st.Set(ctx, key, v, ttl); err != nil {
		return fmt.Errorf("writing audit log: %w", err)
	}
	return nil
}

// maxScanDays bounds a search without since.
const maxScanDays = 366

// Search reads the days in q's range, newest first.
func (s *State) Search(ctx context.Context, q Query) ([]Entry, error) {
	until := q.Until
	if until.IsZero() {
		until = s.now()
	}
	since := q.Since
	if since.IsZero() {
		since = until.Add(-maxScanDays * 24 * time.Hour)
	}
	var out []Entry
	for _, day := range days(since, until, maxScanDays+1) {
		keys, err := s.st.Keys(ctx, "audit:"+day+":")
		if err != nil {
			return nil, fmt.Errorf("reading audit log: %w", err)
		}
		var es []Entry
		for _, k := range keys {
			v, err := s.st.Get(ctx, k)
			if errors.Is(err, state.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reading audit log: %w", err)
			}
			var e Entry
			if json.Unmarshal(v, &e) == nil && q.match(e, string(v)) {
				es = append(es, e)
			}
		}
		sortNewest(es)
		out = append(out, es...)
		if len(out) >= q.limit() {
			return out[:q.limit()], nil
		}
	}
	return out, nil
}
