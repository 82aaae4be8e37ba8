// Package teststate opens the shared-state stores tests run against: the
// local bbolt store on a test clock, and Redis through a redis-server the
// test starts (internal/testredis). Everything is closed when the test ends.
package teststate

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/localstate"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// Local opens a local store in t's temporary directory whose expiry follows
// now, with the sweeper off.
func Local(t testing.TB, now func() time.Time) state.Store {
	t.Helper()
	st, err := localstate.Open(filepath.Join(t.TempDir(), "state.db"), localstate.Options{Now: now, SweepInterval: -1})
	if err != nil {
		t.Fatalf("opening localstate: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Redis starts a redis-server for t and returns a function that connects a
// new client to it (as another replica would), with keys prefixed by t's
// name.
func Redis(t testing.TB) func() state.Store {
	t.Helper()
	addr := testredis.Start(t)
	prefix := strings.ReplaceAll(t.Name(), "/", "_") + ":"
	return func() state.Store {
		st, err := redisstate.New(redisstate.Config{Addr: addr, KeyPrefix: prefix})
		if err != nil {
			t.Fatalf("connecting to redis: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
}
