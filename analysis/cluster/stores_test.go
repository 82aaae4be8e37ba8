package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
	"github.com/yuqing-dev/yuqing/state"
)

// testStore is an empty shared store for one test.
type testStore struct {
	// replica returns a client of the store as another analysis replica
	// would have: the same *localstate.Store (one process owns the file),
	// or a new Redis connection pool.
	replica func() state.Store
	// advance moves the store's clock forward: a fake clock for
	// localstate, a real sleep for Redis (keep d short).
	advance func(d time.Duration)
}

// backends are the state.Store implementations every Assigner test runs
// against.
var backends = []struct {
	name  string
	start func(t testing.TB) testStore
}{
	{"localstate", startLocal},
	{"redis", startRedis},
}

// forEachBackend runs f as a subtest per backend.
func forEachBackend(t *testing.T, f func(t *testing.T, ts testStore)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.start(t)) })
	}
}

func startLocal(t testing.TB) testStore {
	clock := testclock.New(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	s := teststate.Local(t, clock.Now)
	return testStore{
		replica: func() state.Store { return s },
		advance: clock.Advance,
	}
}

func startRedis(t testing.TB) testStore {
	return testStore{
		replica: teststate.Redis(t),
		advance: time.Sleep,
	}
}

// newAssigner returns an Assigner over s with o, failing the test on error.
func newAssigner(t testing.TB, s state.Store, o Options) *Assigner {
	t.Helper()
	a, err := New(s, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// assign calls a.Assign, failing the test on error.
func assign(t testing.TB, a *Assigner, id string, h uint64, at time.Time) string {
	t.Helper()
	c, err := a.Assign(context.Background(), id, h, at)
	if err != nil {
		t.Fatalf("Assign(%s): %v", id, err)
	}
	return c
}
