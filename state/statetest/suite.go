package statetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// Timing of the expiry tests. ShortTTL is what entries that should expire
// get; LongTTL is far beyond any test's duration, so seeing an entry vanish
// well before it proves an expiry was not extended to it.
const (
	ShortTTL = 250 * time.Millisecond
	LongTTL  = 30 * time.Second
	// expiryGrace is how long after its ttl an entry may still be visible
	// before the suite calls it a failure (slow CI, -race).
	expiryGrace = 3 * time.Second
	// earlyTolerance absorbs clock granularity: Redis keeps expiries in
	// whole milliseconds.
	earlyTolerance = 20 * time.Millisecond
	pollInterval   = 10 * time.Millisecond
	// Concurrency of the race subtests.
	goroutines = 20
	perRoutine = 50
)

// NewStore returns a new Store instance for one subtest. It is called
// concurrently from parallel subtests and must return a distinct instance
// each time (Run closes every instance it gets, and one subtest closes its
// instance early); instances may share backing data, since subtests never
// share keys. Fail t if the store cannot be created.
type NewStore func(t *testing.T) state.Store

// Run runs the state.Store contract suite against stores from newStore.
// The whole suite takes about one second of wall time.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, newStore NewStore)
	}{
		{"GetMissing", testGetMissing},
		{"SetGetRoundTrip", testSetGetRoundTrip},
		{"ValuesAreCopied", testValuesAreCopied},
		{"OverwriteReplacesValueAndTTL", testOverwriteReplacesValueAndTTL},
		{"SetTTLExpires", testSetTTLExpires},
		{"SetManyRoundTripAndTTL", testSetMany},
		{"GetManyInOrderNilWhenMissing", testGetMany},
		{"Delete", testDelete},
		{"KeysByPrefixSortedLiveOnly", testKeys},
		{"SetNXFirstWins", testSetNXFirstWins},
		{"SetNXConcurrentExactlyOne", testSetNXConcurrent},
		{"SetNXExpiresAndSucceedsAgain", testSetNXExpires},
		{"IncrByFromZeroAndNegative", testIncrByFromZero},
		{"IncrByTTLExpires", testIncrByTTLExpires},
		{"IncrByKeepsOriginalExpiry", testIncrByKeepsExpiry},
		{"IncrByConcurrentSumsExactly", testIncrByConcurrent},
		{"IncrByNonIntegerFails", testIncrByNonInteger},
		{"LeaseAcquireRefuseRelease", testLeaseAcquireRefuseRelease},
		{"LeaseSameOwnerRenewExtends", testLeaseRenewExtends},
		{"LeaseReleaseByNonOwnerDoesNothing", testLeaseReleaseNonOwner},
		{"LeaseExpiryFreesIt", testLeaseExpiry},
		{"LeaseConcurrentExactlyOne", testLeaseConcurrent},
		{"LeaseNonPositiveTTLFails", testLeaseNonPositiveTTL},
		{"CanceledContext", testCanceledContext},
		{"MethodsFailAfterClose", testAfterClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore)
		})
	}
}

// open gets a store for t and closes it when t ends.
func open(t *testing.T, newStore NewStore) state.Store {
	t.Helper()
	s := newStore(t)
	if s == nil {
		t.Fatal("newStore returned nil")
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// key returns a key unique to t and suffix.
func key(t *testing.T, suffix string) string {
	return "statetest/" + t.Name() + "/" + suffix
}

func mustGet(t *testing.T, s state.Store, k string) []byte {
	t.Helper()
	v, err := s.Get(context.Background(), k)
	if err != nil {
		t.Fatalf("Get(%q): %v", k, err)
	}
	return v
}

func wantValue(t *testing.T, s state.Store, k string, want []byte) {
	t.Helper()
	if got := mustGet(t, s, k); !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %q, want %q", k, got, want)
	}
}

func wantNotFound(t *testing.T, s state.Store, k string) {
	t.Helper()
	v, err := s.Get(context.Background(), k)
	if !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", k, v, err)
	}
}

func mustSet(t *testing.T, s state.Store, k string, v []byte, ttl time.Duration) {
	t.Helper()
	if err := s.Set(context.Background(), k, v, ttl); err != nil {
		t.Fatalf("Set(%q, ttl %v): %v", k, ttl, err)
	}
}

// isGone is a probe for waitGone that reports whether Get says k is gone.
func isGone(t *testing.T, s state.Store, k string) func() bool {
	return func() bool {
		t.Helper()
		_, err := s.Get(context.Background(), k)
		if errors.Is(err, state.ErrNotFound) {
			return true
		}
		if err != nil {
			t.Fatalf("Get(%q): %v", k, err)
		}
		return false
	}
}

// waitGone polls gone until it reports true and checks that this happened
// inside the entry's lifetime window: not before start+ttl (start must be
// taken before the write that set the ttl) and not after
// start+ttl+expiryGrace.
func waitGone(t *testing.T, what string, start time.Time, ttl time.Duration, gone func() bool) {
	t.Helper()
	earliest := start.Add(ttl - earlyTolerance)
	deadline := start.Add(ttl + expiryGrace)
	for {
		g := gone()
		now := time.Now()
		if g {
			if now.Before(earliest) {
				t.Fatalf("%s: gone after %v, before its ttl %v", what, now.Sub(start), ttl)
			}
			return
		}
		if now.After(deadline) {
			t.Fatalf("%s: still present %v after it was written with ttl %v", what, now.Sub(start), ttl)
		}
		time.Sleep(pollInterval)
	}
}

// sleepUntil sleeps until at.
func sleepUntil(at time.Time) {
	if d := time.Until(at); d > 0 {
		time.Sleep(d)
	}
}
