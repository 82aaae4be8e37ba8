package statetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

func testGetMissing(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	wantNotFound(t, s, key(t, "missing"))
}

func testSetGetRoundTrip(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	cases := map[string][]byte{
		"text":   []byte("舆情监测 cursor=42"),
		"binary": {0, 1, 0xff, 0, '\r', '\n', 0x80},
		"empty":  {},
	}
	for name, v := range cases {
		k := key(t, name)
		mustSet(t, s, k, v, 0)
		wantValue(t, s, k, v)
	}
}

func testValuesAreCopied(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "k")
	in := []byte("original")
	mustSet(t, s, k, in, 0)
	copy(in, "XXXXXXXX")
	out := mustGet(t, s, k)
	if string(out) != "original" {
		t.Fatalf("Get after mutating Set's argument = %q, want %q", out, "original")
	}
	copy(out, "YYYYYYYY")
	wantValue(t, s, k, []byte("original"))
}

func testOverwriteReplacesValueAndTTL(t *testing.T, newStore NewStore) {
	s := open(t, newStore)

	// A ttl overwritten by ttl 0 no longer applies.
	persist := key(t, "persist")
	start := time.Now()
	mustSet(t, s, persist, []byte("a"), ShortTTL)
	mustSet(t, s, persist, []byte("b"), 0)
	wantValue(t, s, persist, []byte("b"))

	// No expiry overwritten by a ttl expires.
	expire := key(t, "expire")
	mustSet(t, s, expire, []byte("a"), 0)
	startExpire := time.Now()
	mustSet(t, s, expire, []byte("b"), ShortTTL)
	wantValue(t, s, expire, []byte("b"))
	waitGone(t, "value re-set with a ttl", startExpire, ShortTTL, isGone(t, s, expire))

	sleepUntil(start.Add(2 * ShortTTL))
	wantValue(t, s, persist, []byte("b"))
}

func testSetTTLExpires(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "k")
	start := time.Now()
	mustSet(t, s, k, []byte("v"), ShortTTL)
	waitGone(t, "Set with ttl", start, ShortTTL, isGone(t, s, k))
}

func testDelete(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	if err := s.Delete(ctx, k); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	mustSet(t, s, k, []byte("v"), LongTTL)
	if err := s.Delete(ctx, k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantNotFound(t, s, k)
	if err := s.Delete(ctx, k); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	// A deleted key is absent for SetNX too.
	if ok, err := s.SetNX(ctx, k, []byte("again"), 0); err != nil || !ok {
		t.Fatalf("SetNX after Delete = %v, %v; want true", ok, err)
	}
}

func testSetNXFirstWins(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	if ok, err := s.SetNX(ctx, k, []byte("first"), 0); err != nil || !ok {
		t.Fatalf("first SetNX = %v, %v; want true", ok, err)
	}
	if ok, err := s.SetNX(ctx, k, []byte("second"), 0); err != nil || ok {
		t.Fatalf("second SetNX = %v, %v; want false", ok, err)
	}
	wantValue(t, s, k, []byte("first"))

	// A key written by Set is present for SetNX as well.
	set := key(t, "set")
	mustSet(t, s, set, []byte("set"), 0)
	if ok, err := s.SetNX(ctx, set, []byte("nx"), 0); err != nil || ok {
		t.Fatalf("SetNX over Set = %v, %v; want false", ok, err)
	}
	wantValue(t, s, set, []byte("set"))
}

func testSetNXConcurrent(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	k := key(t, "k")
	winners := race(t, goroutines, "g", func(v string) (bool, error) {
		return s.SetNX(context.Background(), k, []byte(v), LongTTL)
	})
	if len(winners) != 1 {
		t.Fatalf("%d concurrent SetNX calls: %d returned true (%v), want exactly 1", goroutines, len(winners), winners)
	}
	wantValue(t, s, k, []byte(winners[0]))
}

func testSetNXExpires(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	k := key(t, "k")
	start := time.Now()
	if ok, err := s.SetNX(ctx, k, []byte("first"), ShortTTL); err != nil || !ok {
		t.Fatalf("SetNX = %v, %v; want true", ok, err)
	}
	if ok, err := s.SetNX(ctx, k, []byte("early"), ShortTTL); err != nil {
		t.Fatalf("SetNX before expiry: %v", err)
	} else if ok && time.Since(start) < ShortTTL-earlyTolerance {
		t.Fatalf("SetNX succeeded %v after the first, before its ttl %v", time.Since(start), ShortTTL)
	}
	waitGone(t, "SetNX with ttl", start, ShortTTL, isGone(t, s, k))
	if ok, err := s.SetNX(ctx, k, []byte("again"), 0); err != nil || !ok {
		t.Fatalf("SetNX after expiry = %v, %v; want true", ok, err)
	}
	wantValue(t, s, k, []byte("again"))
}

func testKeys(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	p := key(t, "")
	for _, k := range []string{"b", "a", "c/1", "x*y"} {
		if err := s.Set(ctx, p+k, []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, p[:len(p)-1]+"-other", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	mustSet(t, s, p+"gone", []byte("v"), ShortTTL)
	waitGone(t, "Set with ttl", start, ShortTTL, isGone(t, s, p+"gone"))
	got, err := s.Keys(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{p + "a", p + "b", p + "c/1", p + "x*y"}
	if !slices.Equal(got, want) {
		t.Fatalf("Keys(%q) = %q, want %q", p, got, want)
	}
	if got, err := s.Keys(ctx, p+"x*"); err != nil || !slices.Equal(got, []string{p + "x*y"}) {
		t.Fatalf("Keys with a glob character in the prefix = %q, %v", got, err)
	}
	if got, err := s.Keys(ctx, p+"none"); err != nil || len(got) != 0 {
		t.Fatalf("Keys of no key = %q, %v", got, err)
	}
}

// race runs try from n goroutines at once, each with its own name
// (prefix + index), and returns the names for which it reported true.
// Errors fail the test.
func race(t *testing.T, n int, prefix string, try func(name string) (bool, error)) []string {
	t.Helper()
	var (
		mu      sync.Mutex
		winners []string
		wg      sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprint(prefix, i)
			ok, err := try(name)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			if ok {
				mu.Lock()
				winners = append(winners, name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return winners
}

// testSetMany checks state.SetMany (the store's own SetMany when it has
// one): every key stored, with the ttl.
func testSetMany(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	a, b, c := key(t, "a"), key(t, "b"), key(t, "c")
	start := time.Now()
	if err := state.SetMany(ctx, s, map[string][]byte{a: []byte("1"), b: []byte("2")}, ShortTTL); err != nil {
		t.Fatalf("SetMany: %v", err)
	}
	if err := state.SetMany(ctx, s, map[string][]byte{c: []byte("3")}, 0); err != nil {
		t.Fatalf("SetMany without ttl: %v", err)
	}
	if err := state.SetMany(ctx, s, nil, 0); err != nil {
		t.Fatalf("SetMany of nothing: %v", err)
	}
	for k, want := range map[string]string{a: "1", b: "2", c: "3"} {
		if v, err := s.Get(ctx, k); err != nil || string(v) != want {
			t.Fatalf("Get(%s) = %q, %v; want %q", k, v, err, want)
		}
	}
	waitGone(t, "SetMany with ttl", start, ShortTTL, isGone(t, s, a))
	if v, err := s.Get(ctx, c); err != nil || string(v) != "3" {
		t.Fatalf("the key without ttl: %q, %v", v, err)
	}
}

// testGetMany checks state.GetMany (the store's own GetMany when it has
// one): values in the order asked, nil for missing and expired keys, an
// empty value kept apart from a missing one.
func testGetMany(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx := context.Background()
	a, b, empty, gone, missing := key(t, "a"), key(t, "b"), key(t, "empty"), key(t, "gone"), key(t, "missing")
	start := time.Now()
	for k, v := range map[string]string{a: "1", b: "2", empty: ""} {
		if err := s.Set(ctx, k, []byte(v), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, gone, []byte("x"), ShortTTL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "Set with ttl", start, ShortTTL, isGone(t, s, gone))
	got, err := state.GetMany(ctx, s, []string{b, missing, a, gone, empty, a})
	if err != nil {
		t.Fatalf("GetMany: %v", err)
	}
	want := []string{"2", "<nil>", "1", "<nil>", "", "1"}
	if len(got) != len(want) {
		t.Fatalf("GetMany returned %d values for %d keys", len(got), len(want))
	}
	for i, v := range got {
		s := string(v)
		if v == nil {
			s = "<nil>"
		}
		if s != want[i] {
			t.Errorf("value %d = %q, want %q", i, s, want[i])
		}
	}
	if got, err := state.GetMany(ctx, s, nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany of nothing = %v, %v", got, err)
	}
}
