package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/analysis/simhash"
	"github.com/yuqing-dev/yuqing/state"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// flip returns h with the given bits inverted.
func flip(h uint64, bits ...int) uint64 {
	for _, b := range bits {
		h ^= 1 << b
	}
	return h
}

func TestNewValidatesOptions(t *testing.T) {
	s := startLocal(t).replica()
	with := func(f func(*Options)) Options {
		o := DefaultOptions()
		f(&o)
		return o
	}
	tests := []struct {
		name    string
		store   state.Store
		opts    Options
		wantErr string // "" for success
	}{
		{"defaults", s, DefaultOptions(), ""},
		{"exact only", s, with(func(o *Options) { o.MaxDistance = 0 }), ""},
		{"widest", s, with(func(o *Options) { o.MaxDistance = 10 }), ""},
		{"negative distance", s, with(func(o *Options) { o.MaxDistance = -1 }), "MaxDistance -1"},
		{"distance 11", s, with(func(o *Options) { o.MaxDistance = 11 }), "MaxDistance 11"},
		{"zero window", s, with(func(o *Options) { o.Window = 0 }), "Window 0s"},
		{"zero value", s, Options{}, "Window"},
		{"nil store", nil, DefaultOptions(), "nil store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.store, tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && (!errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New error = %v, want ErrInvalidOptions naming %q", err, tt.wantErr)
			}
		})
	}
	a := newAssigner(t, s, with(func(o *Options) { o.KeyPrefix = "" }))
	if a.opts.KeyPrefix != DefaultKeyPrefix {
		t.Errorf("empty KeyPrefix became %q, want %q", a.opts.KeyPrefix, DefaultKeyPrefix)
	}
}

// TestLayoutPigeonhole checks the property the index rests on: two hashes
// within distance bands-1 (MaxDistance up to 3) share a band value, and
// the bands tile the 64 bits.
func TestLayoutPigeonhole(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for k := 0; k <= MaxMaxDistance; k++ {
		l := newLayout(k)
		var covered uint64
		for i := range l.bands() {
			covered += l.value(^uint64(0), i) << l.shift[i]
		}
		if l.bands() != min(k+1, maxBands) || covered != ^uint64(0) {
			t.Fatalf("k=%d: %d bands covering %#x", k, l.bands(), covered)
		}
		for range 2000 {
			a := r.Uint64()
			b := a
			for range r.IntN(l.bands()) {
				b = flip(b, r.IntN(64))
			}
			keysA, keysB := l.keys("p:", a), l.keys("p:", b)
			shared := false
			for i := range keysA {
				shared = shared || keysA[i] == keysB[i]
			}
			if !shared {
				t.Fatalf("k=%d: %#x and %#x (distance %d) share no band", k, a, b, simhash.Distance(a, b))
			}
		}
	}
	keys := newLayout(3).keys("cluster:", 0x0123456789abcdef)
	want := []string{"cluster:b4.0:cdef", "cluster:b4.1:89ab", "cluster:b4.2:4567", "cluster:b4.3:123"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
}

func TestEntriesRoundTrip(t *testing.T) {
	es := []entry{{hash: 1, at: -5, id: "a"}, {hash: ^uint64(0), at: t0.UnixNano(), id: strings.Repeat("长", 100)}}
	got, err := decodeEntries(encodeEntries(es))
	if err != nil || !slices.Equal(got, es) {
		t.Fatalf("round trip = %v, %v; want %v", got, err, es)
	}
	if got, err := decodeEntries(encodeEntries(nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty round trip = %v, %v", got, err)
	}
	good := encodeEntries(es)
	for name, b := range map[string][]byte{
		"empty":       nil,
		"old format":  append([]byte{0}, good[1:]...),
		"truncated":   good[:len(good)-1],
		"short entry": good[:10],
		"empty id":    encodeEntries([]entry{{hash: 1, at: 1}}),
	} {
		if _, err := decodeEntries(b); !errors.Is(err, errBadValue) {
			t.Errorf("%s: decode error = %v, want errBadValue", name, err)
		}
	}
}

func TestWithEntry(t *testing.T) {
	var es []entry
	for i := range maxEntries {
		es = append(es, entry{hash: uint64(i), at: int64(100 + i), id: fmt.Sprint("d", i)})
	}
	es = append(es, entry{hash: 99, at: 5, id: "expired"})
	got, evicted := withEntry(es, entry{hash: 7, at: 200, id: "new"}, 50)
	if len(got) != maxEntries || evicted != 1 {
		t.Fatalf("withEntry kept %d, evicted %d; want %d, 1", len(got), evicted, maxEntries)
	}
	ids := map[string]bool{}
	for _, e := range got {
		ids[e.id] = true
	}
	if !ids["new"] || ids["expired"] || ids["d0"] {
		t.Errorf("withEntry kept %v; want the new entry, not the expired one nor the oldest (d0)", ids)
	}
}

func TestAssign(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		a := newAssigner(t, ts.replica(), DefaultOptions())
		const h = 0x0123456789abcdef
		steps := []struct {
			id   string
			hash uint64
			want string
		}{
			{"orig", h, "orig"},
			{"exact", h, "orig"},
			{"near", flip(h, 0, 17, 40), "orig"},   // distance 3: joins
			{"far", flip(h, 0, 17, 40, 63), "far"}, // distance 4: its own
			{"near-far", flip(h, 0, 17, 40, 62, 63), "far"},
			{"other", ^uint64(h), "other"},
			{"nothing", 0, "nothing"},
			{"nothing-again", 0, "nothing-again"},
		}
		for i, s := range steps {
			if got := assign(t, a, s.id, s.hash, t0.Add(time.Duration(i)*time.Minute)); got != s.want {
				t.Errorf("Assign(%s) = %s, want %s", s.id, got, s.want)
			}
		}
		if _, err := a.Assign(context.Background(), "", h, t0); !errors.Is(err, ErrEmptyDocID) {
			t.Errorf("Assign with empty id: %v, want ErrEmptyDocID", err)
		}
	})
}

func TestAssignIsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		a := newAssigner(t, ts.replica(), DefaultOptions())
		const h = 0xfedcba9876543210
		assign(t, a, "orig", h, t0)
		assign(t, a, "repost", flip(h, 5), t0.Add(time.Hour))
		// A third document near the repost but not the original makes
		// "near-repost" its own cluster; re-assigning must not change
		// anything, whatever hash it is given now.
		assign(t, a, "near-repost", flip(h, 5, 6, 7, 8), t0.Add(2*time.Hour))
		for range 3 {
			for id, want := range map[string]string{"orig": "orig", "repost": "orig", "near-repost": "near-repost"} {
				if got := assign(t, a, id, ^uint64(h), t0); got != want {
					t.Errorf("re-Assign(%s) = %s, want %s", id, got, want)
				}
			}
		}
	})
}

func TestAssignPicksEarliestCluster(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		a := newAssigner(t, ts.replica(), DefaultOptions())
		const h = 0x5555aaaa5555aaaa
		// "later" is assigned first but is newer; "earlier" is 5 bits from
		// it, so both start clusters. "between" is within 3 of both.
		assign(t, a, "later", flip(h, 1, 2, 3, 4, 5), t0.Add(time.Hour))
		assign(t, a, "earlier", h, t0)
		if got := assign(t, a, "between", flip(h, 1, 2), t0.Add(2*time.Hour)); got != "earlier" {
			t.Errorf("Assign(between) = %s, want earlier (the older of two clusters in reach)", got)
		}
	})
}

// TestAssignWindow checks the window in document time: a cluster accepts
// documents within Window of its first document's time, on either side.
func TestAssignWindow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		o := DefaultOptions()
		a := newAssigner(t, ts.replica(), o)
		const h = 0x0f0f0f0f12345678
		assign(t, a, "orig", h, t0)
		for _, s := range []struct {
			id   string
			at   time.Time
			want string
		}{
			{"inside", t0.Add(o.Window - time.Second), "orig"},
			{"late-arrival", t0.Add(-o.Window + time.Second), "orig"},
			{"after", t0.Add(o.Window + time.Second), "after"},
			{"after-2", t0.Add(o.Window + time.Hour), "after"},
			{"before", t0.Add(-o.Window - time.Second), "before"},
		} {
			if got := assign(t, a, s.id, flip(h, 9), s.at); got != s.want {
				t.Errorf("Assign(%s at %v) = %s, want %s", s.id, s.at.Sub(t0), got, s.want)
			}
		}
	})
}

// TestStoreForgetsAfterWindow checks that every key expires Window after
// its last write, so the store does not grow without bound.
func TestStoreForgetsAfterWindow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		o := DefaultOptions()
		o.Window = 300 * time.Millisecond
		a := newAssigner(t, ts.replica(), o)
		const h = 0x1111222233334444
		at := t0
		assign(t, a, "orig", h, at)
		if got := assign(t, a, "repost", h, at); got != "orig" {
			t.Fatalf("Assign(repost) = %s, want orig", got)
		}
		ts.advance(o.Window + 200*time.Millisecond)
		if got := assign(t, a, "repost-after-ttl", h, at); got != "repost-after-ttl" {
			t.Errorf("after the keys expired, Assign = %s, want a new cluster", got)
		}
		if got := assign(t, a, "repost", h, at); got != "repost-after-ttl" {
			t.Errorf("after its doc key expired, re-Assign(repost) = %s, want the live cluster", got)
		}
	})
}

// TestReplicasAgree runs two Assigners (two analysis replicas) on one
// store, each from several goroutines, over the same documents in
// different orders, one by one and in batches.
func TestReplicasAgree(t *testing.T) {
	const goroutines = 4
	r := rand.New(rand.NewPCG(7, 7))
	type doc struct {
		id   string
		hash uint64
	}
	var docs []doc
	for i := range 25 {
		base := r.Uint64()
		for j := range 4 {
			h := base
			for range r.IntN(4) {
				h = flip(h, r.IntN(64))
			}
			docs = append(docs, doc{fmt.Sprintf("d%d-%d", i, j), h})
		}
	}
	forEachBackend(t, func(t *testing.T, ts testStore) {
		replicas := []*Assigner{
			newAssigner(t, ts.replica(), DefaultOptions()),
			newAssigner(t, ts.replica(), DefaultOptions()),
		}
		var mu sync.Mutex
		got := map[string]map[string]bool{} // doc id → cluster ids returned
		var wg sync.WaitGroup
		record := func(id, c string) {
			mu.Lock()
			defer mu.Unlock()
			if got[id] == nil {
				got[id] = map[string]bool{}
			}
			got[id][c] = true
		}
		for g := range goroutines * len(replicas) {
			a := replicas[g%len(replicas)]
			order := rand.New(rand.NewPCG(uint64(g), 0)).Perm(len(docs))
			batched := g%4 >= 2 // half the goroutines use AssignBatch
			wg.Go(func() {
				for len(order) > 0 {
					n := 1
					if batched {
						n = min(len(order), 1+len(order)%13)
					}
					var chunk []Doc
					for _, i := range order[:n] {
						chunk = append(chunk, Doc{ID: docs[i].id, Hash: docs[i].hash, At: t0})
					}
					order = order[n:]
					ids, err := a.AssignBatch(context.Background(), chunk)
					if err != nil {
						t.Errorf("AssignBatch: %v", err)
						return
					}
					for j, c := range ids {
						record(chunk[j].ID, c)
					}
				}
			})
		}
		wg.Wait()
		hashes := map[string]uint64{}
		for _, d := range docs {
			hashes[d.id] = d.hash
		}
		for _, d := range docs {
			if len(got[d.id]) != 1 {
				t.Errorf("doc %s got clusters %v, want one", d.id, got[d.id])
				continue
			}
			for c := range got[d.id] {
				if !got[c][c] {
					t.Errorf("doc %s is in cluster %s, whose own cluster is %v", d.id, c, got[c])
				}
				if dist := simhash.Distance(hashes[c], d.hash); dist > DefaultMaxDistance {
					t.Errorf("doc %s joined %s at distance %d", d.id, c, dist)
				}
			}
		}
	})
}

func TestAssignFailsOnCancelledContextAndClosedStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		s := ts.replica()
		a := newAssigner(t, s, DefaultOptions())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := a.Assign(ctx, "doc", 42, t0); !errors.Is(err, context.Canceled) {
			t.Errorf("Assign with a cancelled context: %v, want context.Canceled", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Assign(context.Background(), "doc", 42, t0); err == nil || !strings.Contains(err.Error(), "doc") {
			t.Errorf("Assign on a closed store: %v, want an error naming the doc", err)
		}
	})
}

func TestUnreadableBandValueIsReplaced(t *testing.T) {
	ts := startLocal(t)
	s := ts.replica()
	reg := prometheus.NewRegistry()
	o := DefaultOptions()
	o.Registerer = reg
	a := newAssigner(t, s, o)
	const h = 0x00ff00ff00ff00ff
	keys := a.layout.keys(o.KeyPrefix, h)
	if err := s.Set(context.Background(), keys[0], []byte("garbage"), time.Hour); err != nil {
		t.Fatal(err)
	}
	assign(t, a, "first", h, t0)
	if got := assign(t, a, "second", h, t0); got != "first" {
		t.Errorf("Assign(second) = %s, want first", got)
	}
	v, err := s.Get(context.Background(), keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if es, err := decodeEntries(v); err != nil || len(es) != 1 || es[0].id != "first" {
		t.Errorf("band value after Assign = %v, %v; want first's entry", es, err)
	}
	want := map[string]float64{
		"yuqing_cluster_unreadable_values_total":            1,
		`yuqing_cluster_assignments_total{result="new"}`:    1,
		`yuqing_cluster_assignments_total{result="joined"}`: 1,
	}
	for name, v := range want {
		if got := metricValue(t, reg, name); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
}

// metricValue returns the value of a counter named as in the exposition
// format (name{label="value"}).
func metricValue(t *testing.T, g prometheus.Gatherer, name string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			full := mf.GetName()
			if len(m.GetLabel()) > 0 {
				var ls []string
				for _, l := range m.GetLabel() {
					ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				full += "{" + strings.Join(ls, ",") + "}"
			}
			if full == name {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

// TestAssignRepairsUnwrittenBands simulates a replica that claimed a new
// cluster's doc key and died before writing its band keys: the
// redelivered document writes them, so reposts still find it. A
// re-assignment with another hash writes nothing.
func TestAssignRepairsUnwrittenBands(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		s := ts.replica()
		a := newAssigner(t, s, DefaultOptions())
		ctx := context.Background()
		const h = 0x6666777788889999
		claimed := assignment{id: "orig", hash: h}.encode()
		if err := s.Set(ctx, a.opts.KeyPrefix+"doc:orig", claimed, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got := assign(t, a, "orig", ^uint64(h), t0); got != "orig" {
			t.Fatalf("re-Assign(orig) with another hash = %s", got)
		}
		for _, k := range a.layout.keys(a.opts.KeyPrefix, ^uint64(h)) {
			if v, err := s.Get(ctx, k); !errors.Is(err, state.ErrNotFound) {
				t.Errorf("re-Assign with another hash wrote band key %s: %q, %v", k, v, err)
			}
		}
		if got := assign(t, a, "repost", flip(h, 3), t0); got != "repost" {
			t.Fatalf("before the repair, Assign(repost) = %s; the test expects the bands to be missing", got)
		}
		if got := assign(t, a, "orig", h, t0); got != "orig" {
			t.Fatalf("redelivered Assign(orig) = %s", got)
		}
		if got := assign(t, a, "repost-2", flip(h, 4), t0); got != "orig" {
			t.Errorf("after the repair, Assign(repost-2) = %s, want orig", got)
		}
		if err := s.Set(ctx, a.opts.KeyPrefix+"doc:bad", []byte("x"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Assign(ctx, "bad", h, t0); !errors.Is(err, errBadValue) {
			t.Errorf("Assign over a garbage doc key: %v, want errBadValue", err)
		}
	})
}
