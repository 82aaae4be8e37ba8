package window

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// series is a bucketed counter in the store: the events (or distinct
// values) of one rule and key. Bucket b covers
// [b·width, (b+1)·width) of the Evaluator's clock; a window of one
// timeframe is the Buckets newest buckets, the one holding now included.
type series struct {
	base  string
	width time.Duration
	keep  time.Duration // ttl of a bucket
}

// series returns the counter kind/rule/key for timeframe; windows is how
// many consecutive windows are read (2 for spike's reference window).
func (e *Evaluator) series(kind, ruleID, key string, timeframe time.Duration, windows int) series {
	w := max(timeframe/Buckets, time.Millisecond)
	return series{
		base:  e.key(kind, ruleID, strconv.FormatInt(w.Milliseconds(), 10), key),
		width: w,
		keep:  time.Duration(windows)*Buckets*w + 2*w,
	}
}

func (s series) bucket(t time.Time) int64 { return t.UnixNano() / int64(s.width) }

func (s series) at(b int64) string { return s.base + "/" + itoa(b) }

func (s series) evidence(b, n int64) string { return s.at(b) + "/e/" + itoa(n) }

// add counts one event in the bucket of now and keeps docID as evidence
// when it is among the bucket's first few. It returns the bucket.
func (e *Evaluator) add(ctx context.Context, s series, now time.Time, docID string) (int64, error) {
	b := s.bucket(now)
	n, err := e.store.IncrBy(ctx, s.at(b), 1, s.keep)
	if err != nil {
		return b, err
	}
	return b, e.keepEvidence(ctx, s, b, n, docID)
}

func (e *Evaluator) keepEvidence(ctx context.Context, s series, b, n int64, docID string) error {
	if docID == "" || n < 1 || n > evidencePerBucket {
		return nil
	}
	return e.store.Set(ctx, s.evidence(b, n), []byte(docID), s.keep)
}

// count sums the window of Buckets buckets ending with bucket last, read
// at once (one store round trip).
func (e *Evaluator) count(ctx context.Context, s series, last int64) (int64, error) {
	keys := make([]string, 0, Buckets)
	for b := last - Buckets + 1; b <= last; b++ {
		keys = append(keys, s.at(b))
	}
	vs, err := state.GetMany(ctx, e.store, keys)
	if err != nil {
		return 0, err
	}
	var sum int64
	for i, v := range vs {
		if v == nil {
			continue
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("reading %s: %w", keys[i], err)
		}
		sum += n
	}
	return sum, nil
}

// addDistinct records value in the bucket of now. Each value is counted
// once, in the bucket where it was last seen, so count gives the number of
// distinct values seen in the window. It returns the bucket.
func (e *Evaluator) addDistinct(ctx context.Context, s series, now time.Time, value, docID string) (int64, error) {
	b := s.bucket(now)
	esc := url.PathEscape(value)
	first, err := e.store.SetNX(ctx, s.at(b)+"/v/"+esc, []byte("1"), s.keep)
	if err != nil || !first {
		return b, err // already counted in this bucket
	}
	last := s.base + "/last/" + esc
	prev := int64(-1)
	v, err := e.store.Get(ctx, last)
	switch {
	case err == nil:
		prev, _ = strconv.ParseInt(string(v), 10, 64)
	case !errors.Is(err, state.ErrNotFound):
		return b, err
	}
	if err := e.store.Set(ctx, last, []byte(itoa(b)), s.keep); err != nil {
		return b, err
	}
	n, err := e.store.IncrBy(ctx, s.at(b), 1, s.keep)
	if err != nil {
		return b, err
	}
	if prev > b-Buckets && prev < b {
		if _, err := e.store.IncrBy(ctx, s.at(prev), -1, s.keep); err != nil {
			return b, err
		}
	}
	return b, e.keepEvidence(ctx, s, b, n, docID)
}

// docIDs collects up to MaxEvidence doc ids of the window ending with
// bucket last, newest bucket first, after first (the doc that fired). The
// evidence of every bucket is read at once.
func (e *Evaluator) docIDs(ctx context.Context, s series, last int64, first string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	if first != "" {
		out, seen[first] = append(out, first), true
	}
	keys := make([]string, 0, Buckets*evidencePerBucket)
	for b := last; b > last-Buckets; b-- {
		for n := int64(1); n <= evidencePerBucket; n++ {
			keys = append(keys, s.evidence(b, n))
		}
	}
	vs, err := state.GetMany(ctx, e.store, keys)
	if err != nil {
		return out, err
	}
	for _, v := range vs {
		if len(out) >= MaxEvidence {
			break
		}
		if id := string(v); v != nil && !seen[id] {
			out, seen[id] = append(out, id), true
		}
	}
	return out, nil
}
