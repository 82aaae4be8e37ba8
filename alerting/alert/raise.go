package alert

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/yuqing-dev/yuqing/state"
)

// Raise records one match. Within in.Realert of the last_seen of the
// latest open alert with the same fingerprint it updates that alert (count,
// last_seen, doc_ids up to the cap, a timeline entry) and reports created
// false; otherwise it creates a new alert and reports created true. Alerts
// matching an active silence get status silenced. Concurrent Raise calls
// for one fingerprint, from any number of Stores over the same state,
// create at most one alert per window and lose no update.
//
// A resolved alert is never updated: new evidence after a resolution opens
// a new alert. On a ctx error the match may or may not have been recorded.
func (s *Store) Raise(ctx context.Context, in Incoming) (Alert, bool, error) {
	if in.RuleID == "" {
		return Alert{}, false, fmt.Errorf("raising alert: empty rule id: %w", ErrInvalid)
	}
	if in.At.IsZero() {
		in.At = s.opts.Now()
	}
	fp := Fingerprint(in.RuleID, in.GroupValues)
	gen, err := s.head(ctx, fp)
	if err != nil {
		return Alert{}, false, err
	}
	for {
		if gen > 0 {
			a, ok, err := s.tryUpdate(ctx, alertID(fp, gen), in)
			if err != nil || ok {
				return a, false, err
			}
		}
		a, created, err := s.tryCreate(ctx, fp, gen+1, in)
		if err != nil || created {
			return a, created, err
		}
		gen++ // another replica created gen+1 first: update theirs
	}
}

func alertID(fp string, gen int64) string { return fp + "-" + strconv.FormatInt(gen, 10) }

// head returns the latest known generation of fp, 0 if none. It is a hint
// that may lag; the generation keys decide.
func (s *Store) head(ctx context.Context, fp string) (int64, error) {
	raw, err := s.st.Get(ctx, keyFPHead+fp)
	if errors.Is(err, state.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading fingerprint %s: %w", fp, err)
	}
	gen, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("decoding fingerprint %s: %w", fp, err)
	}
	return gen, nil
}

// tryUpdate adds in to alert id if it is open and in is within its realert
// window; ok reports whether it did.
func (s *Store) tryUpdate(ctx context.Context, id string, in Incoming) (Alert, bool, error) {
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return Alert{}, false, err
	}
	defer unlock()
	a, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Alert{}, false, nil // its creator died before storing it
	}
	if err != nil {
		return Alert{}, false, err
	}
	if !a.Open() || in.Realert <= 0 || in.At.Sub(a.LastSeen) > in.Realert {
		return Alert{}, false, nil
	}
	a.Count += max(in.Matches, 1)
	if in.At.After(a.LastSeen) {
		a.LastSeen = in.At
	}
	a.addDocIDs(in.DocIDs, s.opts.MaxDocIDs)
	a.appendEvent(Event{At: in.At, Actor: in.RuleID, Action: ActionUpdated,
		Comment: fmt.Sprintf("count %d, %d new documents", a.Count, len(in.DocIDs))}, s.opts.MaxTimeline)
	if err := s.applySilences(ctx, &a, in.At); err != nil {
		return Alert{}, false, err
	}
	if err := s.put(ctx, a); err != nil {
		return Alert{}, false, err
	}
	if err := s.setHead(ctx, a.Fingerprint, id, in); err != nil {
		return Alert{}, false, err
	}
	return a, true, nil
}

// tryCreate creates generation gen of fp unless another Store took it
// first (SetNX on the generation key), in which case created is false.
func (s *Store) tryCreate(ctx context.Context, fp string, gen int64, in Incoming) (Alert, bool, error) {
	id := alertID(fp, gen)
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return Alert{}, false, err
	}
	defer unlock()
	ttl := in.Realert + s.opts.FingerprintTTL
	_, err = s.st.SetNX(ctx, keyFPGen+fp+":"+strconv.FormatInt(gen, 10), []byte(id), ttl)
	if err != nil {
		return Alert{}, false, fmt.Errorf("claiming fingerprint %s generation %d: %w", fp, gen, err)
	}
	_, err = s.Get(ctx, id)
	if !errors.Is(err, ErrNotFound) {
		// Lost: the winner stored it (err nil). Or won a generation whose
		// key had expired (FingerprintTTL) while its alert is still kept:
		// never overwrite it, move on to the next generation.
		return Alert{}, false, err
	}
	// Else: won; or lost to a winner that died between claiming and
	// storing, whose job we finish.
	a := newAlert(id, fp, in, s.opts.MaxDocIDs)
	if err := s.applySilences(ctx, &a, in.At); err != nil {
		return Alert{}, false, err
	}
	if err := s.put(ctx, a); err != nil {
		return Alert{}, false, err
	}
	if err := s.setHead(ctx, fp, id, in); err != nil {
		return Alert{}, false, err
	}
	return a, true, nil
}

func (s *Store) setHead(ctx context.Context, fp, id string, in Incoming) error {
	gen := id[len(fp)+1:]
	if err := s.st.Set(ctx, keyFPHead+fp, []byte(gen), in.Realert+s.opts.FingerprintTTL); err != nil {
		return fmt.Errorf("recording fingerprint %s: %w", fp, err)
	}
	return nil
}

func newAlert(id, fp string, in Incoming, maxDocs int) Alert {
	labels := make(map[string]string, len(in.Labels)+len(in.GroupValues))
	maps.Copy(labels, in.Labels)
	maps.Copy(labels, in.GroupValues)
	a := Alert{
		ID:          id,
		RuleID:      in.RuleID,
		RuleVersion: in.RuleVersion,
		Severity:    in.Severity,
		Status:      StatusFiring,
		Fingerprint: fp,
		Title:       in.Title,
		Summary:     in.Summary,
		DocIDs:      []string{},
		Explanation: in.Explanation,
		CreatedAt:   in.At,
		Count:       max(in.Matches, 1),
		LastSeen:    in.At,
		Labels:      labels,
	}
	a.addDocIDs(in.DocIDs, maxDocs)
	a.Timeline = []Event{{At: in.At, Actor: in.RuleID, Action: ActionCreated, Comment: "rule version " + in.RuleVersion}}
	a.Revision = 1
	return a
}
