package alert

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// replicas are two Stores over one shared state, as two alerting replicas
// see it, with the clock both use.
type replicas struct {
	a, b *Store
	clk  *testclock.Clock
}

var prefixSeq atomic.Int64

// eachBackend runs fn against localstate (one file, two Stores) and
// against a private redis-server (two clients, two Stores).
func eachBackend(t *testing.T, fn func(t *testing.T, r replicas)) {
	t.Run("local", func(t *testing.T) {
		clk := testclock.New(t0)
		st := teststate.Local(t, clk.Now)
		fn(t, replicas{New(st, Options{Now: clk.Now}), New(st, Options{Now: clk.Now}), clk})
	})
	t.Run("redis", func(t *testing.T) {
		open := teststate.Redis(t)
		clk := testclock.New(t0)
		fn(t, replicas{New(open(), Options{Now: clk.Now}), New(open(), Options{Now: clk.Now}), clk})
	})
}

func incoming(rule, cluster string, at time.Time, docs ...string) Incoming {
	return Incoming{
		RuleID: rule, RuleVersion: "v1", Severity: "P1",
		GroupValues: map[string]string{"cluster_id": cluster},
		Labels:      map[string]string{"team": "duty"},
		Title:       "杭州火灾", Summary: "多条帖子提到杭州起火",
		DocIDs: docs, Realert: 10 * time.Minute, At: at,
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func raise(t *testing.T, s *Store, in Incoming) (Alert, bool) {
	t.Helper()
	a, created, err := s.Raise(context.Background(), in)
	if err != nil {
		t.Fatalf("Raise: %v", err)
	}
	return a, created
}

func actions(a Alert) string {
	var out []string
	for _, e := range a.Timeline {
		out = append(out, e.Action)
	}
	return strings.Join(out, ",")
}
