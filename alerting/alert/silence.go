package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// silenceRetention is how long a silence is kept after it ends.
const silenceRetention = 7 * 24 * time.Hour

// ActionUnsilenced is the timeline action when a silenced alert gets new
// evidence after its silence ended.
const ActionUnsilenced = "unsilenced"

// Silence mutes alerts whose fields all equal its matchers while
// Start <= t < End. Matcher keys "rule_id", "severity" and "fingerprint"
// compare those fields; any other key compares the label of that name.
type Silence struct {
	ID        string            `json:"id"`
	Matchers  map[string]string `json:"matchers"`
	Start     time.Time         `json:"start"`
	End       time.Time         `json:"end"`
	CreatedBy string            `json:"created_by"`
	Comment   string            `json:"comment"`
}

// Active reports whether the silence is in force at t.
func (s *Silence) Active(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// Matches reports whether every matcher equals the alert's field or label.
func (s *Silence) Matches(a *Alert) bool {
	for k, want := range s.Matchers {
		var got string
		switch k {
		case "rule_id":
			got = a.RuleID
		case "severity":
			got = a.Severity
		case "fingerprint":
			got = a.Fingerprint
		default:
			v, ok := a.Labels[k]
			if !ok {
				return false
			}
			got = v
		}
		if got != want {
			return false
		}
	}
	return true
}

// AddSilence stores sil and returns it with its id (generated when empty)
// and Start (now when zero). It needs at least one matcher, a creator and
// an End after both Start and now; otherwise the error wraps ErrInvalid.
// It affects alerts raised or updated from then on.
func (s *Store) AddSilence(ctx context.Context, sil Silence) (Silence, error) {
	now := s.opts.Now()
	if sil.Start.IsZero() {
		sil.Start = now
	}
	switch {
	case len(sil.Matchers) == 0:
		return Silence{}, fmt.Errorf("adding silence: no matchers: %w", ErrInvalid)
	case sil.CreatedBy == "":
		return Silence{}, fmt.Errorf("adding silence: empty created_by: %w", ErrInvalid)
	case !sil.End.After(sil.Start) || !sil.End.After(now):
		return Silence{}, fmt.Errorf("adding silence: end %v is not after start %v and now: %w", sil.End, sil.Start, ErrInvalid)
	}
	if sil.ID == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		sil.ID = hex.EncodeToString(b[:])
	}
	raw, err := json.Marshal(sil)
	if err != nil {
		return Silence{}, fmt.Errorf("encoding silence %s: %w", sil.ID, err)
	}
	if err := s.st.Set(ctx, keySilence+sil.ID, raw, sil.End.Sub(now)+silenceRetention); err != nil {
		return Silence{}, fmt.Errorf("storing silence %s: %w", sil.ID, err)
	}
	return sil, nil
}

// ListSilences returns the stored silences, active or not, by start time.
func (s *Store) ListSilences(ctx context.Context) ([]Silence, error) {
	keys, err := s.st.Keys(ctx, keySilence)
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	out := make([]Silence, 0, len(keys))
	for _, k := range keys {
		raw, err := s.st.Get(ctx, k)
		if errors.Is(err, state.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading silence %s: %w", k, err)
		}
		var sil Silence
		if err := json.Unmarshal(raw, &sil); err != nil {
			return nil, fmt.Errorf("decoding silence %s: %w", k, err)
		}
		out = append(out, sil)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// DeleteSilence removes silence id, or returns an error wrapping
// ErrNotFound. Alerts it silenced stay silenced until their next update.
func (s *Store) DeleteSilence(ctx context.Context, id string) error {
	if _, err := s.st.Get(ctx, keySilence+id); errors.Is(err, state.ErrNotFound) {
		return fmt.Errorf("deleting silence %s: %w", id, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("deleting silence %s: %w", id, err)
	}
	if err := s.st.Delete(ctx, keySilence+id); err != nil {
		return fmt.Errorf("deleting silence %s: %w", id, err)
	}
	return nil
}

// applySilences sets a firing alert to silenced when an active silence
// matches it at t, and a silenced one back to firing when none does.
// Acknowledged and resolved alerts are left alone.
func (s *Store) applySilences(ctx context.Context, a *Alert, t time.Time) error {
	if a.Status != StatusFiring && a.Status != StatusSilenced {
		return nil
	}
	sils, err := s.ListSilences(ctx)
	if err != nil {
		return err
	}
	for _, sil := range sils {
		if sil.Active(t) && sil.Matches(a) {
			if a.Status != StatusSilenced || a.SilencedBy != sil.ID {
				a.Status, a.SilencedBy = StatusSilenced, sil.ID
				a.appendEvent(Event{At: t, Actor: sil.CreatedBy, Action: ActionSilenced, Comment: "silence " + sil.ID + ": " + sil.Comment}, s.opts.MaxTimeline)
			}
			return nil
		}
	}
	if a.Status == StatusSilenced {
		a.Status, a.SilencedBy = StatusFiring, ""
		a.appendEvent(Event{At: t, Actor: SystemActor, Action: ActionUnsilenced, Comment: "no active silence matches"}, s.opts.MaxTimeline)
	}
	return nil
}
