package statetest

import (
	"context"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

func acquire(t *testing.T, s state.Store, k, owner string, ttl time.Duration) bool {
	t.Helper()
	ok, err := s.AcquireLease(context.Background(), k, owner, ttl)
	if err != nil {
		t.Fatalf("AcquireLease(%q, %q, %v): %v", k, owner, ttl, err)
	}
	return ok
}

func release(t *testing.T, s state.Store, k, owner string) {
	t.Helper()
	if err := s.ReleaseLease(context.Background(), k, owner); err != nil {
		t.Fatalf("ReleaseLease(%q, %q): %v", k, owner, err)
	}
}

func testLeaseAcquireRefuseRelease(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	// Releasing a lease nobody holds is fine.
	release(t, s, k, "a")
	if !acquire(t, s, k, "a", LongTTL) {
		t.Fatal("first AcquireLease refused")
	}
	if acquire(t, s, k, "b", LongTTL) {
		t.Fatal("second owner acquired a held lease")
	}
	release(t, s, k, "a")
	if !acquire(t, s, k, "b", LongTTL) {
		t.Fatal("AcquireLease refused after the owner released it")
	}
	if acquire(t, s, k, "a", LongTTL) {
		t.Fatal("former owner acquired a lease another owner now holds")
	}
}

func testLeaseRenewExtends(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	start := time.Now()
	if !acquire(t, s, k, "a", ShortTTL) {
		t.Fatal("AcquireLease refused")
	}
	sleepUntil(start.Add(ShortTTL / 2))
	if !acquire(t, s, k, "a", LongTTL) {
		t.Fatal("owner could not renew its own lease")
	}
	sleepUntil(start.Add(2 * ShortTTL))
	if acquire(t, s, k, "b", LongTTL) {
		t.Fatal("renewed lease expired at its original ttl")
	}

	// Renewing can also shorten: the new ttl replaces the old one.
	short := key(t, "shorten")
	if !acquire(t, s, short, "a", LongTTL) {
		t.Fatal("AcquireLease refused")
	}
	renewed := time.Now()
	if !acquire(t, s, short, "a", ShortTTL) {
		t.Fatal("owner could not renew its own lease")
	}
	waitGone(t, "lease renewed with a shorter ttl", renewed, ShortTTL, func() bool {
		return acquire(t, s, short, "b", LongTTL)
	})
}

func testLeaseReleaseNonOwner(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	if !acquire(t, s, k, "a", LongTTL) {
		t.Fatal("AcquireLease refused")
	}
	release(t, s, k, "b")
	if acquire(t, s, k, "b", LongTTL) {
		t.Fatal("release by a non-owner freed the lease")
	}
	if !acquire(t, s, k, "a", LongTTL) {
		t.Fatal("release by a non-owner took the lease from its owner")
	}
}

func testLeaseExpiry(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	start := time.Now()
	if !acquire(t, s, k, "a", ShortTTL) {
		t.Fatal("AcquireLease refused")
	}
	waitGone(t, "lease with ttl", start, ShortTTL, func() bool {
		return acquire(t, s, k, "b", LongTTL)
	})
	// b holds it now; a has lost it.
	if acquire(t, s, k, "a", LongTTL) {
		t.Fatal("expired owner took the lease back from the new owner")
	}
}

func testLeaseConcurrent(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	winners := race(t, goroutines, "owner", func(owner string) (bool, error) {
		return s.AcquireLease(context.Background(), k, owner, LongTTL)
	})
	if len(winners) != 1 {
		t.Fatalf("%d owners raced for a lease: %d got it (%v), want exactly 1", goroutines, len(winners), winners)
	}
}

func testLeaseNonPositiveTTL(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "lease")
	for _, ttl := range []time.Duration{0, -time.Second} {
		if ok, err := s.AcquireLease(context.Background(), k, "a", ttl); err == nil {
			t.Errorf("AcquireLease with ttl %v = %v, nil; want an error", ttl, ok)
		}
	}
	// A refused request must not have taken the lease.
	if !acquire(t, s, k, "b", LongTTL) {
		t.Fatal("AcquireLease with a bad ttl left the lease held")
	}
}
