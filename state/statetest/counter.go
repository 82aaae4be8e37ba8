package statetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

func mustIncr(t *testing.T, ctx context.Context, s state.Store, k string, delta int64, ttl time.Duration, want int64) {
	t.Helper()
	got, err := s.IncrBy(ctx, k, delta, ttl)
	if err != nil {
		t.Fatalf("IncrBy(%q, %d): %v", k, delta, err)
	}
	if got != want {
		t.Fatalf("IncrBy(%q, %d) = %d, want %d", k, delta, got, want)
	}
}

func testIncrByFromZero(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	mustIncr(t, ctx, s, k, 5, 0, 5)
	mustIncr(t, ctx, s, k, -7, 0, -2)
	mustIncr(t, ctx, s, k, 0, 0, -2)
	// Counters are stored as decimal text, as Redis stores them.
	wantValue(t, s, k, []byte("-2"))

	neg := key(t, "negative-start")
	mustIncr(t, ctx, s, neg, -3, 0, -3)

	// Set can seed a counter.
	seeded := key(t, "seeded")
	mustSet(t, s, seeded, []byte("40"), 0)
	mustIncr(t, ctx, s, seeded, 2, 0, 42)
}

func testIncrByTTLExpires(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	start := time.Now()
	mustIncr(t, ctx, s, k, 3, ShortTTL, 3)
	waitGone(t, "counter with ttl", start, ShortTTL, isGone(t, s, k))
	// An expired counter starts again from 0.
	mustIncr(t, ctx, s, k, 1, ShortTTL, 1)
}

func testIncrByKeepsExpiry(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	start := time.Now()
	mustIncr(t, ctx, s, k, 1, ShortTTL, 1)
	sleepUntil(start.Add(ShortTTL / 2))
	// Neither a longer ttl nor ttl 0 may extend or clear the expiry.
	mustIncr(t, ctx, s, k, 1, LongTTL, 2)
	mustIncr(t, ctx, s, k, 1, 0, 3)
	waitGone(t, "counter incremented with a longer ttl", start, ShortTTL, isGone(t, s, k))

	// A counter without expiry keeps having none.
	forever := key(t, "forever")
	foreverStart := time.Now()
	mustIncr(t, ctx, s, forever, 1, 0, 1)
	mustIncr(t, ctx, s, forever, 1, ShortTTL, 2)
	sleepUntil(foreverStart.Add(2 * ShortTTL))
	wantValue(t, s, forever, []byte("2"))
}

func testIncrByConcurrent(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "k")
	var (
		mu   sync.Mutex
		seen = make(map[int64]bool, goroutines*perRoutine)
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range perRoutine {
				v, err := s.IncrBy(context.Background(), k, 1, LongTTL)
				if err != nil {
					t.Errorf("IncrBy: %v", err)
					return
				}
				mu.Lock()
				if seen[v] {
					t.Errorf("IncrBy returned %d twice", v)
				}
				seen[v] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	const want = goroutines * perRoutine
	mustIncr(t, context.Background(), s, k, 0, LongTTL, want)
	if len(seen) != want {
		t.Fatalf("IncrBy returned %d distinct values, want %d", len(seen), want)
	}
}

func testIncrByNonInteger(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	mustSet(t, s, k, []byte("not a number"), 0)
	if v, err := s.IncrBy(ctx, k, 1, 0); err == nil {
		t.Fatalf("IncrBy on a non-integer value = %d, nil; want an error", v)
	}
	wantValue(t, s, k, []byte("not a number"))
}
