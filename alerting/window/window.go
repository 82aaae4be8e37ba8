package window

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/state"
)

// Event is one matched doc for a rule: the matcher already decided that
// the doc matches the rule's expression and filter.
type Event struct {
	RuleID string
	DocID  string
	// At is the doc's time. It is carried for the caller; windows are
	// counted by the Evaluator's clock when Observe is called (see doc.go).
	At time.Time
	// Fields holds the values of the doc fields the rule keys, groups or
	// counts by (query_key, group_by, cardinality_field, new_term fields,
	// and source for require), e.g. "cluster_id", "source", "author". A
	// multi-valued field (locations, keywords) holds its values joined by
	// JoinValues.
	Fields map[string]string
}

// Firing is a rule condition that became true.
type Firing struct {
	RuleID string
	// Type is the rule type that fired (any, frequency, spike, …).
	Type string
	// Key is the query_key value the firing is about ("" when the rule has
	// no query_key); for new_term it is the new value.
	Key string
	// Reason says why, for people: "23 events in 10m (threshold 20)".
	Reason string
	Count  int
	Window time.Duration
	// DocIDs are evidence, newest first, at most MaxEvidence.
	DocIDs []string
}

// Tuning constants. They are part of the documented approximation.
const (
	// Buckets is how many counters a timeframe is cut into.
	Buckets = 10
	// MaxEvidence bounds Firing.DocIDs.
	MaxEvidence = 20
	// evidencePerBucket is how many doc ids each bucket keeps as evidence.
	evidencePerBucket = 5
	// ForgetAfter is how long a query_key value of a flatline or spike
	// rule is remembered after it was last seen; a source quiet for longer
	// stops being reported as quiet.
	ForgetAfter = 7 * 24 * time.Hour
	// NewTermLearning divides terms_window into the learning period of a
	// new_term rule (1 day for the default 30d).
	NewTermLearning = 30
)

// ErrUnknownType is returned for a rule whose type this package does not
// evaluate.
var ErrUnknownType = errors.New("window: unknown rule type")

// Evaluator counts events of rules in time windows kept in a
// state.Store, so that several alerting replicas sharing the store count
// together. It is safe for concurrent use.
type Evaluator struct {
	store  state.Store
	now    func() time.Time
	prefix string

	mu      sync.Mutex
	marked  map[string]mark      // store key → what this replica last read or wrote there
	claimed map[string]time.Time // claim name → until when it is known taken
}

// mark is a cached first-seen time and when this replica last refreshed
// the key's ttl.
type mark struct{ first, refreshed time.Time }

// maxMarked bounds the caches of first-seen times and of claims; each is
// cleared when full.
const maxMarked = 100_000

// New returns an Evaluator over store. clock gives the current time
// (time.Now when nil); every key it writes starts with prefix.
func New(store state.Store, clock func() time.Time, prefix string) *Evaluator {
	if clock == nil {
		clock = time.Now
	}
	return &Evaluator{store: store, now: clock, prefix: prefix, marked: map[string]mark{}, claimed: map[string]time.Time{}}
}

// Observe records ev for rule r and returns the firings it causes now.
// Disabled rules and rules outside their active time are still counted
// (their windows stay right) but the caller decides what to send. On a
// store error nothing is returned but the error; a cancelled ctx returns
// its error.
func (e *Evaluator) Observe(ctx context.Context, r rule.Rule, ev Event) ([]Firing, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("observing rule %s: %w", r.ID, err)
	}
	now := e.now()
	var cs []candidate
	var err error
	switch r.Type {
	case rule.TypeAny:
		cs = []candidate{{docID: ev.DocID, f: Firing{RuleID: r.ID, Type: r.Type, Key: ev.Fields[r.QueryKey], Count: 1, Reason: "matching post"}}}
	case rule.TypeFrequency:
		cs, err = e.frequency(ctx, r, ev, now)
	case rule.TypeSpike:
		cs, err = e.spikeObserve(ctx, r, ev, now)
	case rule.TypeFlatline:
		err = e.flatlineObserve(ctx, r, ev, now)
	case rule.TypeNewTerm:
		cs, err = e.newTerm(ctx, r, ev, now)
	case rule.TypeCardinality:
		cs, err = e.cardinality(ctx, r, ev, now)
	default:
		return nil, fmt.Errorf("observing rule %s: %w %q", r.ID, ErrUnknownType, r.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("observing rule %s: %w", r.ID, err)
	}
	if r.Require != nil {
		if cs, err = e.require(ctx, r, ev, now, cs); err != nil {
			return nil, fmt.Errorf("observing rule %s: require: %w", r.ID, err)
		}
	}
	fs, err := e.settle(ctx, cs)
	if err != nil {
		return nil, fmt.Errorf("observing rule %s: %w", r.ID, err)
	}
	return fs, nil
}

// Tick evaluates the time-driven conditions of rules at the clock's now:
// flatline (too few events in the window) and spike down. Call it
// periodically (every second or so); several replicas may call it, a
// condition fires once across them. Other rule types are skipped.
func (e *Evaluator) Tick(ctx context.Context, rules []rule.Rule) ([]Firing, error) {
	now := e.now()
	var out []Firing
	for _, r := range rules {
		var fs []Firing
		var err error
		switch {
		case r.Type == rule.TypeFlatline:
			fs, err = e.flatlineTick(ctx, r, now)
		case r.Type == rule.TypeSpike && r.SpikeType != rule.SpikeUp:
			fs, err = e.spikeTick(ctx, r, now)
		default:
			continue
		}
		if err != nil {
			return out, fmt.Errorf("ticking rule %s: %w", r.ID, err)
		}
		out = append(out, fs...)
	}
	return out, nil
}

// key builds a store key: the prefix, then parts joined by '/', each
// escaped so that a value holding '/' cannot be confused with a separator.
func (e *Evaluator) key(parts ...string) string {
	var b strings.Builder
	b.WriteString(e.prefix)
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// once reports whether this call is the first, across replicas, to claim
// name; the claim lasts ttl. A claim this replica has seen taken (by
// itself or another) is remembered until ttl from then, and answered
// without a store write: once a busy key has fired, each further event of
// its period costs nothing here. The store's claim may expire before the
// remembered one (it was taken earlier), but claims are named after their
// period (claimFor) and outlive it, so by then no event asks for it.
func (e *Evaluator) once(ctx context.Context, name string, ttl time.Duration) (bool, error) {
	now := e.now()
	e.mu.Lock()
	until, taken := e.claimed[name]
	e.mu.Unlock()
	if taken && now.Before(until) {
		return false, nil
	}
	ok, err := e.store.SetNX(ctx, name, []byte("1"), ttl)
	if err != nil {
		return false, err
	}
	e.mu.Lock()
	putCapped(e.claimed, name, now.Add(ttl))
	e.mu.Unlock()
	return ok, nil
}

// firstSeen returns the time stored at key, storing now there when the
// key is absent. The key's ttl is restarted by this replica at most every
// ttl/16 (never when ttl is 0), and the value is cached meanwhile, so a
// busy key costs no store operation.
func (e *Evaluator) firstSeen(ctx context.Context, key string, now time.Time, ttl time.Duration) (time.Time, error) {
	every := ttl / 16
	if ttl == 0 {
		every = 1<<63 - 1
	}
	if m, ok := e.cached(key); ok && now.Sub(m.refreshed) < every {
		return m.first, nil
	}
	ok, err := e.store.SetNX(ctx, key, []byte(itoa(now.UnixNano())), ttl)
	if err != nil {
		return now, err
	}
	if ok {
		e.remember(key, mark{now, now})
		return now, nil
	}
	v, err := e.store.Get(ctx, key)
	if errors.Is(err, state.ErrNotFound) {
		return now, nil // expired in between: the next call stores it
	}
	if err != nil {
		return now, err
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return now, fmt.Errorf("reading %s: %w", key, err)
	}
	if ttl > 0 {
		if err := e.store.Set(ctx, key, v, ttl); err != nil {
			return now, err
		}
	}
	first := time.Unix(0, n)
	e.remember(key, mark{first, now})
	return first, nil
}

// touchDue reports whether this replica should restart the ttl of key:
// not done in the last every. A true answer counts as done.
func (e *Evaluator) touchDue(key string, now time.Time, every time.Duration) bool {
	m, ok := e.cached(key)
	if ok && now.Sub(m.refreshed) < every {
		return false
	}
	e.remember(key, mark{now, now})
	return true
}

func (e *Evaluator) cached(key string) (mark, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.marked[key]
	return m, ok
}

func (e *Evaluator) remember(key string, m mark) {
	e.mu.Lock()
	defer e.mu.Unlock()
	putCapped(e.marked, key, m)
}

// putCapped stores v under k in m, clearing m first when it holds
// maxMarked entries.
func putCapped[V any](m map[string]V, k string, v V) {
	if len(m) >= maxMarked {
		clear(m)
	}
	m[k] = v
}
