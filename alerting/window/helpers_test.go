package window

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/localstate"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// start is where test timelines begin: on the hour, so that windows of
// whole minutes start at offsets the tests can reason about.
var start = time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC)

// backend builds a store whose expiry follows clock when it can.
type backend struct {
	name string
	// realTTL: the store expires keys in real time, not by the test clock.
	realTTL bool
	open    func(t testing.TB, clock *testclock.Clock) state.Store
}

func openLocal(t testing.TB, clock *testclock.Clock) state.Store {
	s, err := localstate.Open(filepath.Join(t.TempDir(), "state.db"), localstate.Options{Now: clock.Now, SweepInterval: -1})
	if err != nil {
		t.Fatalf("opening local state: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// backends lists localstate and, on a redis-server started once per
// test, redisstate (each store under its own key prefix).
func backends(t *testing.T) []backend {
	var addr string
	n := 0
	return []backend{
		{name: "local", open: openLocal},
		{name: "redis", realTTL: true, open: func(tb testing.TB, _ *testclock.Clock) state.Store {
			if addr == "" {
				addr = testredis.Start(t)
			}
			n++
			s, err := redisstate.New(redisstate.Config{Addr: addr, KeyPrefix: strings.ReplaceAll(tb.Name(), "/", ":") + ":" + string(rune('a'+n%26)) + ":"})
			if err != nil {
				tb.Fatalf("opening redis state: %v", err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}},
	}
}

// play parses and runs a timeline on a fresh store of b and checks it.
func play(t *testing.T, b backend, rules []rule.Rule, text string) []Fired {
	t.Helper()
	tl, err := ParseTimeline(text)
	if err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(start)
	ev := New(b.open(t, clock), clock.Now, "w/")
	fired, err := tl.Run(context.Background(), ev, clock, rules)
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.Check(fired); err != nil {
		t.Error(err)
	}
	return fired
}

func dur(s string) rule.Duration {
	d, err := rule.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}
