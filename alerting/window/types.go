package window

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/state"
)

// candidate is a condition that holds; it becomes a Firing once its claim
// (a SetNX, so replicas agree) succeeds and require holds.
type candidate struct {
	f        Firing
	claim    string        // "" fires every time
	claimTTL time.Duration // how long the claim lasts
	s        series        // evidence source
	b        int64
	docID    string
}

// claimFor makes a condition fire once per aligned timeframe period
// [k·timeframe, (k+1)·timeframe) per rule, direction and key.
func (e *Evaluator) claimFor(c *candidate, r rule.Rule, what, key string, b int64) {
	tf := time.Duration(r.Timeframe)
	c.claim = e.key("fired", r.ID, what, key, itoa(b/Buckets))
	c.claimTTL = 2*tf + tf/Buckets
}

func (e *Evaluator) frequency(ctx context.Context, r rule.Rule, ev Event, now time.Time) ([]candidate, error) {
	tf := time.Duration(r.Timeframe)
	key := ev.Fields[r.QueryKey]
	s := e.series("n", r.ID, key, tf, 1)
	b, err := e.add(ctx, s, now, ev.DocID)
	if err != nil {
		return nil, err
	}
	n, err := e.count(ctx, s, b)
	if err != nil || n < int64(r.NumEvents) {
		return nil, err
	}
	c := candidate{s: s, b: b, docID: ev.DocID, f: Firing{
		RuleID: r.ID, Type: r.Type, Key: key, Count: int(n), Window: tf,
		Reason: fmt.Sprintf("%d events in %s (threshold %d)", n, r.Timeframe, r.NumEvents),
	}}
	e.claimFor(&c, r, "freq", key, b)
	return []candidate{c}, nil
}

// seenKey is where the first-seen time of a query_key value is kept, for
// the Tick-driven types and warm-ups.
func (e *Evaluator) seenKey(r rule.Rule, key string) string { return e.key("k", r.ID, key) }

func (e *Evaluator) spikeObserve(ctx context.Context, r rule.Rule, ev Event, now time.Time) ([]candidate, error) {
	tf := time.Duration(r.Timeframe)
	key := ev.Fields[r.QueryKey]
	first, err := e.firstSeen(ctx, e.seenKey(r, key), now, ForgetAfter)
	if err != nil {
		return nil, err
	}
	s := e.series("n", r.ID, key, tf, 2)
	b, err := e.add(ctx, s, now, ev.DocID)
	if err != nil || r.SpikeType == rule.SpikeDown || now.Sub(first) < 2*tf {
		return nil, err
	}
	cur, ref, err := e.curRef(ctx, s, b)
	if err != nil {
		return nil, err
	}
	if ref < int64(max(r.ThresholdRef, 1)) || cur < int64(r.ThresholdCur) || float64(cur) < r.SpikeHeight*float64(ref) {
		return nil, nil
	}
	return []candidate{e.spikeCandidate(r, key, "up", s, b, cur, ref, ev.DocID)}, nil
}

func (e *Evaluator) curRef(ctx context.Context, s series, b int64) (cur, ref int64, err error) {
	if cur, err = e.count(ctx, s, b); err != nil {
		return 0, 0, err
	}
	ref, err = e.count(ctx, s, b-Buckets)
	return cur, ref, err
}

func (e *Evaluator) spikeCandidate(r rule.Rule, key, dir string, s series, b, cur, ref int64, docID string) candidate {
	c := candidate{s: s, b: b, docID: docID, f: Firing{
		RuleID: r.ID, Type: r.Type, Key: key, Count: int(cur), Window: time.Duration(r.Timeframe),
		Reason: fmt.Sprintf("spike %s: %d events in %s against %d in the %s before (spike_height %g)", dir, cur, r.Timeframe, ref, r.Timeframe, r.SpikeHeight),
	}}
	e.claimFor(&c, r, "spike-"+dir, key, b)
	return c
}

// seenKeys lists the query_key values of r with their first-seen times.
func (e *Evaluator) seenKeys(ctx context.Context, r rule.Rule) (map[string]time.Time, error) {
	prefix := e.key("k", r.ID) + "/"
	names, err := e.store.Keys(ctx, prefix)
	if err != nil {
		return nil, err
	}
	vs, err := state.GetMany(ctx, e.store, names)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(names))
	for i, name := range names {
		key, err := url.PathUnescape(strings.TrimPrefix(name, prefix))
		if err != nil {
			continue // not ours
		}
		v := vs[i]
		if v == nil {
			continue // expired since Keys
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		out[key] = time.Unix(0, n)
	}
	return out, nil
}

func (e *Evaluator) spikeTick(ctx context.Context, r rule.Rule, now time.Time) ([]Firing, error) {
	tf := time.Duration(r.Timeframe)
	keys, err := e.seenKeys(ctx, r)
	if err != nil {
		return nil, err
	}
	var cs []candidate
	for key, first := range keys {
		if now.Sub(first) < 2*tf {
			continue
		}
		s := e.series("n", r.ID, key, tf, 2)
		b := s.bucket(now)
		cur, ref, err := e.curRef(ctx, s, b)
		if err != nil {
			return nil, err
		}
		if ref < int64(max(r.ThresholdRef, 1)) || cur < int64(r.ThresholdCur) || float64(cur) > float64(ref)/r.SpikeHeight {
			continue
		}
		cs = append(cs, e.spikeCandidate(r, key, "down", s, b, cur, ref, ""))
	}
	return e.settle(ctx, cs)
}

func (e *Evaluator) flatlineObserve(ctx context.Context, r rule.Rule, ev Event, now time.Time) error {
	key := ev.Fields[r.QueryKey]
	if _, err := e.firstSeen(ctx, e.seenKey(r, key), now, ForgetAfter); err != nil {
		return err
	}
	_, err := e.add(ctx, e.series("n", r.ID, key, time.Duration(r.Timeframe), 1), now, ev.DocID)
	return err
}

func (e *Evaluator) flatlineTick(ctx context.Context, r rule.Rule, now time.Time) ([]Firing, error) {
	tf := time.Duration(r.Timeframe)
	if r.QueryKey == "" {
		// The rule as a whole is watched from its first tick.
		if _, err := e.firstSeen(ctx, e.seenKey(r, ""), now, ForgetAfter); err != nil {
			return nil, err
		}
	}
	keys, err := e.seenKeys(ctx, r)
	if err != nil {
		return nil, err
	}
	var cs []candidate
	for key, first := range keys {
		if now.Sub(first) < tf {
			continue
		}
		s := e.series("n", r.ID, key, tf, 1)
		b := s.bucket(now)
		n, err := e.count(ctx, s, b)
		if err != nil {
			return nil, err
		}
		if n >= int64(r.Threshold) {
			continue
		}
		c := candidate{s: s, b: b, f: Firing{
			RuleID: r.ID, Type: r.Type, Key: key, Count: int(n), Window: tf,
			Reason: fmt.Sprintf("%d events in %s (fewer than %d)", n, r.Timeframe, r.Threshold),
		}}
		e.claimFor(&c, r, "flat", key, b)
		cs = append(cs, c)
	}
	return e.settle(ctx, cs)
}

// learning is how long a new_term rule records terms without firing, so
// that its first hours do not report every term as new.
func learning(r rule.Rule) time.Duration { return time.Duration(r.TermsWindow) / NewTermLearning }

func (e *Evaluator) newTerm(ctx context.Context, r rule.Rule, ev Event, now time.Time) ([]candidate, error) {
	tw := time.Duration(r.TermsWindow)
	var cs []candidate
	for _, field := range r.Fields {
		start, err := e.firstSeen(ctx, e.key("start", r.ID, field), now, 0)
		if err != nil {
			return nil, err
		}
		for _, v := range Values(ev.Fields[field]) {
			term := e.key("t", r.ID, field, v)
			isNew, err := e.store.SetNX(ctx, term, []byte(itoa(now.UnixNano())), tw)
			if err != nil {
				return nil, err
			}
			if !isNew {
				// Seen again: restart its terms_window, at most every
				// terms_window/64 per replica.
				if e.touchDue(term, now, tw/64) {
					if err := e.store.Set(ctx, term, []byte(itoa(now.UnixNano())), tw); err != nil {
						return nil, err
					}
				}
				continue
			}
			e.remember(term, mark{now, now})
			if now.Sub(start) < learning(r) {
				continue
			}
			cs = append(cs, candidate{docID: ev.DocID, f: Firing{
				RuleID: r.ID, Type: r.Type, Key: v, Count: 1, Window: tw,
				Reason: fmt.Sprintf("new %s %q (not seen in %s)", field, v, r.TermsWindow),
			}})
		}
	}
	return cs, nil
}

func (e *Evaluator) cardinality(ctx context.Context, r rule.Rule, ev Event, now time.Time) ([]candidate, error) {
	tf := time.Duration(r.Timeframe)
	key := ev.Fields[r.QueryKey]
	first, err := e.firstSeen(ctx, e.seenKey(r, key), now, ForgetAfter)
	if err != nil {
		return nil, err
	}
	s := e.series("c", r.ID, key, tf, 1)
	b := s.bucket(now)
	if v := ev.Fields[r.CardinalityField]; v != "" {
		if b, err = e.addDistinct(ctx, s, now, v, ev.DocID); err != nil {
			return nil, err
		}
	}
	n, err := e.count(ctx, s, b)
	if err != nil {
		return nil, err
	}
	c := candidate{s: s, b: b, docID: ev.DocID, f: Firing{RuleID: r.ID, Type: r.Type, Key: key, Count: int(n), Window: tf}}
	switch {
	case r.MaxCardinality > 0 && n > int64(r.MaxCardinality):
		c.f.Reason = fmt.Sprintf("%d distinct %s in %s (more than %d)", n, r.CardinalityField, r.Timeframe, r.MaxCardinality)
		e.claimFor(&c, r, "card-max", key, b)
	case r.MinCardinality > 0 && n < int64(r.MinCardinality) && now.Sub(first) >= tf:
		c.f.Reason = fmt.Sprintf("%d distinct %s in %s (fewer than %d)", n, r.CardinalityField, r.Timeframe, r.MinCardinality)
		e.claimFor(&c, r, "card-min", key, b)
	default:
		return nil, nil
	}
	return []candidate{c}, nil
}

// settle claims each candidate and fills in its evidence.
func (e *Evaluator) settle(ctx context.Context, cs []candidate) ([]Firing, error) {
	var out []Firing
	for _, c := range cs {
		if c.claim != "" {
			ok, err := e.once(ctx, c.claim, c.claimTTL)
			if err != nil {
				return out, err
			}
			if !ok {
				continue
			}
		}
		f := c.f
		if c.s.base != "" {
			ids, err := e.docIDs(ctx, c.s, c.b, c.docID)
			if err != nil {
				return out, err
			}
			f.DocIDs = ids
		} else if c.docID != "" {
			f.DocIDs = []string{c.docID}
		}
		out = append(out, f)
	}
	return out, nil
}
