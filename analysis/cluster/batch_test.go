package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// nearDupDocs returns groups of documents whose hashes are within a few
// bits of their group's first, some ids repeated and some hashes 0.
func nearDupDocs(seed uint64, groups int) []Doc {
	r := rand.New(rand.NewPCG(seed, seed))
	var docs []Doc
	for g := range groups {
		base := r.Uint64()
		for j := range 5 {
			h := base
			for range r.IntN(5) {
				h = flip(h, r.IntN(64))
			}
			docs = append(docs, Doc{ID: fmt.Sprintf("g%d-%d", g, j), Hash: h, At: t0.Add(time.Duration(r.IntN(100)) * time.Hour)})
		}
	}
	r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	docs = append(docs, docs[3], docs[10], Doc{ID: "empty-1", At: t0}, Doc{ID: "empty-2", At: t0})
	r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return docs
}

// TestAssignBatchMatchesAssign checks that batches give what one Assign
// after the other gives, batch boundaries anywhere.
func TestAssignBatchMatchesAssign(t *testing.T) {
	docs := nearDupDocs(1, 60)
	forEachBackend(t, func(t *testing.T, ts testStore) {
		s := ts.replica()
		one := newAssigner(t, s, Options{MaxDistance: 3, Window: 48 * time.Hour, KeyPrefix: "one:"})
		var want []string
		for _, d := range docs {
			want = append(want, assign(t, one, d.ID, d.Hash, d.At))
		}
		for _, size := range []int{1, 7, 50, len(docs)} {
			batched := newAssigner(t, s, Options{MaxDistance: 3, Window: 48 * time.Hour, KeyPrefix: fmt.Sprintf("batch%d:", size)})
			var got []string
			for chunk := range slices.Chunk(docs, size) {
				ids, err := batched.AssignBatch(context.Background(), chunk)
				if err != nil {
					t.Fatalf("AssignBatch: %v", err)
				}
				got = append(got, ids...)
			}
			if !slices.Equal(got, want) {
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("batches of %d: doc %d (%s) got %s, one by one %s", size, i, docs[i].ID, got[i], want[i])
					}
				}
			}
			again, err := batched.AssignBatch(context.Background(), docs)
			if err != nil || !slices.Equal(again, want) {
				t.Errorf("batches of %d: assigning everything again = %v, %v", size, again, err)
			}
		}
	})
}

func TestAssignBatchRejectsEmptyID(t *testing.T) {
	ts := startLocal(t)
	s := &countingStore{Store: ts.replica()}
	a := newAssigner(t, s, DefaultOptions())
	_, err := a.AssignBatch(context.Background(), []Doc{{ID: "a", Hash: 1, At: t0}, {Hash: 2, At: t0}})
	if !errors.Is(err, ErrEmptyDocID) {
		t.Fatalf("AssignBatch with an empty id: %v, want ErrEmptyDocID", err)
	}
	if s.calls.Load() != 0 {
		t.Errorf("AssignBatch made %d store calls before failing", s.calls.Load())
	}
	if ids, err := a.AssignBatch(context.Background(), nil); err != nil || len(ids) != 0 {
		t.Errorf("AssignBatch(nil) = %v, %v", ids, err)
	}
}

// TestAssignBatchYieldsToAnotherReplica makes another replica assign a
// document of the batch, differently, between the batch's read and its
// claim: the batch adopts that answer, withdraws the cluster it meant to
// start, and re-assigns the document that had joined it.
func TestAssignBatchYieldsToAnotherReplica(t *testing.T) {
	forEachBackend(t, func(t *testing.T, ts testStore) {
		const h = 0x0a0b0c0d01020304
		other := newAssigner(t, ts.replica(), DefaultOptions())
		var once sync.Once
		racing := &hookStore{Store: ts.replica(), beforeSetNX: func(key string) {
			if key != DefaultKeyPrefix+"doc:d" {
				return
			}
			once.Do(func() {
				assign(t, other, "x", flip(h, 1), t0.Add(-time.Hour))
				if c := assign(t, other, "d", h, t0); c != "x" {
					t.Errorf("other replica: Assign(d) = %s, want x", c)
				}
			})
		}}
		a := newAssigner(t, racing, DefaultOptions())
		ids, err := a.AssignBatch(context.Background(), []Doc{
			{ID: "d", Hash: h, At: t0},
			{ID: "j", Hash: flip(h, 2), At: t0},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, []string{"x", "x"}) {
			t.Errorf("AssignBatch = %v, want [x x]", ids)
		}
		for _, k := range a.layout.keys(DefaultKeyPrefix, h) {
			v, err := racing.Get(context.Background(), k)
			if err != nil {
				continue
			}
			if es, _ := decodeEntries(v); hasID(es, "d") {
				t.Errorf("band key %s still lists the withdrawn cluster d", k)
			}
		}
	})
}

// hookStore calls beforeSetNX before each SetNX.
type hookStore struct {
	state.Store
	beforeSetNX func(key string)
}

func (s *hookStore) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	s.beforeSetNX(key)
	return s.Store.SetNX(ctx, key, value, ttl)
}

// countingStore counts Get and write calls.
type countingStore struct {
	state.Store
	calls atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	s.calls.Add(1)
	return s.Store.Get(ctx, key)
}

func (s *countingStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	s.calls.Add(1)
	return s.Store.Set(ctx, key, value, ttl)
}

func (s *countingStore) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	s.calls.Add(1)
	return s.Store.SetNX(ctx, key, value, ttl)
}
