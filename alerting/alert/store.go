package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// Key layout in the state store.
const (
	keyAlert   = "alert:a:"   // + id → Alert JSON
	keyLock    = "alert:l:"   // + id → lease owner
	keyFPHead  = "alert:fp:"  // + fingerprint → latest generation (hint)
	keyFPGen   = "alert:fpg:" // + fingerprint + ":" + gen → alert id (SetNX)
	keySilence = "alert:s:"   // + id → Silence JSON
)

// Defaults for Options.
const (
	DefaultLeaseTTL       = 30 * time.Second
	DefaultFingerprintTTL = 7 * 24 * time.Hour
	DefaultMaxDocIDs      = 50
	DefaultMaxTimeline    = 200
)

// Options tunes a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock of acknowledgements, resolutions, silences and
	// ResolveQuiet. Raise uses Incoming.At. Default time.Now.
	Now func() time.Time
	// LeaseTTL bounds how long one replica holds an alert's lease while it
	// changes the alert. Default DefaultLeaseTTL.
	LeaseTTL time.Duration
	// FingerprintTTL is how long, beyond the realert window, the
	// fingerprint keys are kept. Default DefaultFingerprintTTL.
	FingerprintTTL time.Duration
	// MaxDocIDs caps the evidence kept per alert. Default 50.
	MaxDocIDs int
	// MaxTimeline caps the timeline length; the oldest "updated" entries
	// go first. Default 200.
	MaxTimeline int
	// Retention is how long a resolved alert is kept after its
	// resolution before Expire deletes it. Default DefaultRetention
	// (180 days); negative keeps alerts for ever.
	Retention time.Duration
}

// Store keeps alerts and silences in a state.Store. It is safe for
// concurrent use, and several Stores (in several processes) over one
// state.Store share the alerts safely. It does not own the state.Store.
type Store struct {
	st    state.Store
	opts  Options
	owner string
	seq   atomic.Uint64
}

// New returns a Store over st.
func New(st state.Store, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = DefaultLeaseTTL
	}
	if opts.FingerprintTTL <= 0 {
		opts.FingerprintTTL = DefaultFingerprintTTL
	}
	if opts.MaxDocIDs <= 0 {
		opts.MaxDocIDs = DefaultMaxDocIDs
	}
	if opts.MaxTimeline <= 0 {
		opts.MaxTimeline = DefaultMaxTimeline
	}
	if opts.Retention == 0 {
		opts.Retention = DefaultRetention
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Store{st: st, opts: opts, owner: hex.EncodeToString(b[:])}
}

// Get returns the alert with id, or an error wrapping ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Alert, error) {
	raw, err := s.st.Get(ctx, keyAlert+id)
	if errors.Is(err, state.ErrNotFound) {
		return Alert{}, fmt.Errorf("getting alert %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Alert{}, fmt.Errorf("getting alert %s: %w", id, err)
	}
	var a Alert
	if err := json.Unmarshal(raw, &a); err != nil {
		return Alert{}, fmt.Errorf("decoding alert %s: %w", id, err)
	}
	return a, nil
}

func (s *Store) put(ctx context.Context, a Alert) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encoding alert %s: %w", a.ID, err)
	}
	if err := s.st.Set(ctx, keyAlert+a.ID, raw, 0); err != nil {
		return fmt.Errorf("storing alert %s: %w", a.ID, err)
	}
	return nil
}

// Filter selects alerts for List; zero fields match everything.
type Filter struct {
	Status   Status
	Severity string
	RuleID   string
	// Since keeps alerts created at or after it.
	Since time.Time
}

func (f Filter) match(a *Alert) bool {
	return (f.Status == "" || a.Status == f.Status) &&
		(f.Severity == "" || a.Severity == f.Severity) &&
		(f.RuleID == "" || a.RuleID == f.RuleID) &&
		(f.Since.IsZero() || !a.CreatedAt.Before(f.Since))
}

// List returns the alerts matching f, newest (created_at) first. It reads
// every alert, which is fine for thousands.
func (s *Store) List(ctx context.Context, f Filter) ([]Alert, error) {
	keys, err := s.st.Keys(ctx, keyAlert)
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	var out []Alert
	for _, k := range keys {
		a, err := s.Get(ctx, k[len(keyAlert):])
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		if f.match(&a) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// lock takes the lease on alert id, waiting (with jittered backoff) while
// another owner holds it, until ctx is done. The returned func releases it.
func (s *Store) lock(ctx context.Context, id string) (func(), error) {
	key := keyLock + id
	owner := s.owner + ":" + strconv.FormatUint(s.seq.Add(1), 10)
	delay := time.Millisecond
	for {
		ok, err := s.st.AcquireLease(ctx, key, owner, s.opts.LeaseTTL)
		if err != nil {
			return nil, fmt.Errorf("locking alert %s: %w", id, err)
		}
		if ok {
			return func() { _ = s.st.ReleaseLease(context.WithoutCancel(ctx), key, owner) }, nil
		}
		wait := delay/2 + mrand.N(delay/2+1)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("locking alert %s: %w", id, ctx.Err())
		case <-time.After(wait):
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// modify runs fn on alert id under its lease and stores the result when fn
// returns nil.
func (s *Store) modify(ctx context.Context, id string, fn func(a *Alert) error) (Alert, error) {
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return Alert{}, err
	}
	defer unlock()
	a, err := s.Get(ctx, id)
	if err != nil {
		return Alert{}, err
	}
	if err := fn(&a); err != nil {
		return Alert{}, err
	}
	if err := s.put(ctx, a); err != nil {
		return Alert{}, err
	}
	return a, nil
}
