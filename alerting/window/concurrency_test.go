package window

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// Two replicas observing one burst concurrently count together: a
// frequency rule fires exactly once per window in which the threshold is
// crossed, and a new term fires once.
func TestReplicasCountTogether(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		clock := testclock.New(start)
		s := openLocal(t, clock)
		testReplicas(t, clock, s, s)
	})
	t.Run("redis", func(t *testing.T) {
		addr := testredis.Start(t)
		open := func() state.Store {
			s, err := redisstate.New(redisstate.Config{Addr: addr, KeyPrefix: "replicas:"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		testReplicas(t, testclock.New(start), open(), open())
	})
}

func testReplicas(t *testing.T, clock *testclock.Clock, s1, s2 state.Store) {
	freq := rule.Rule{ID: "freq", Type: rule.TypeFrequency, NumEvents: 20, Timeframe: dur("10m"), QueryKey: "cluster_id"}
	term := rule.Rule{ID: "term", Type: rule.TypeNewTerm, Fields: []string{"source"}, TermsWindow: dur("30m")}
	replicas := []*Evaluator{New(s1, clock.Now, "w/"), New(s2, clock.Now, "w/")}
	ctx := context.Background()
	burst := func(r rule.Rule, perWorker int, fields map[string]string) int64 {
		var fired atomic.Int64
		var wg sync.WaitGroup
		for w := range 4 {
			ev := replicas[w%2]
			wg.Go(func() {
				for i := range perWorker {
					fs, err := ev.Observe(ctx, r, Event{RuleID: r.ID, DocID: fmt.Sprintf("w%d-%d", w, i), Fields: fields})
					if err != nil {
						t.Error(err)
						return
					}
					fired.Add(int64(len(fs)))
				}
			})
		}
		wg.Wait()
		return fired.Load()
	}
	clock.Advance(time.Second)
	if n := burst(freq, 25, map[string]string{"cluster_id": "c1"}); n != 1 {
		t.Errorf("first burst of 100: %d firings, want 1", n)
	}
	clock.Advance(10 * time.Minute) // the next window: the first burst has left it
	if n := burst(freq, 25, map[string]string{"cluster_id": "c1"}); n != 1 {
		t.Errorf("second burst of 100: %d firings, want 1", n)
	}
	if n := burst(freq, 4, map[string]string{"cluster_id": "c2"}); n != 0 {
		t.Errorf("16 posts: %d firings, want 0", n)
	}
	burst(term, 1, map[string]string{"source": "weibo"}) // starts the learning period (1m)
	clock.Advance(2 * time.Minute)
	if n := burst(term, 10, map[string]string{"source": "douyin"}); n != 1 {
		t.Errorf("a new term seen 40 times at once: %d firings, want 1", n)
	}
}

// writeCounter counts the writes that reach a real store.
type writeCounter struct {
	state.Store
	setNX, incr atomic.Int64
}

func (w *writeCounter) SetNX(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	w.setNX.Add(1)
	return w.Store.SetNX(ctx, k, v, ttl)
}

func (w *writeCounter) IncrBy(ctx context.Context, k string, d int64, ttl time.Duration) (int64, error) {
	w.incr.Add(1)
	return w.Store.IncrBy(ctx, k, d, ttl)
}

// Once a key has fired in its period, further events of the period only
// count: the claim is remembered, not asked of the store again (it was
// one SetNX per event, a write each). Another replica that finds the
// claim taken remembers it too, and neither fires twice.
func TestClaimRememberedAfterFiring(t *testing.T) {
	clock := testclock.New(start)
	st := openLocal(t, clock)
	a, b := &writeCounter{Store: st}, &writeCounter{Store: st}
	ra, rb := New(a, clock.Now, "w/"), New(b, clock.Now, "w/")
	r := rule.Rule{ID: "freq", Type: rule.TypeFrequency, NumEvents: 3, Timeframe: dur("10m"), QueryKey: "cluster_id"}
	ctx := context.Background()
	fired := 0
	for i := range 40 {
		ev := Event{RuleID: r.ID, DocID: fmt.Sprint("d", i), Fields: map[string]string{"cluster_id": "c1"}}
		e := ra
		if i%2 == 1 {
			e = rb
		}
		fs, err := e.Observe(ctx, r, ev)
		if err != nil {
			t.Fatal(err)
		}
		fired += len(fs)
		clock.Advance(time.Second)
	}
	if fired != 1 {
		t.Errorf("fired %d times, want 1", fired)
	}
	// 38 events past the threshold: one claim each replica at most.
	if n := a.setNX.Load() + b.setNX.Load(); n != 2 {
		t.Errorf("%d claims asked of the store, want 2 (one per replica)", n)
	}
	if n := a.incr.Load() + b.incr.Load(); n != 40 {
		t.Errorf("%d counter writes for 40 events", n)
	}
	// The next period claims again.
	clock.Advance(10 * time.Minute)
	for i := range 3 {
		fs, err := ra.Observe(ctx, r, Event{RuleID: r.ID, DocID: fmt.Sprint("e", i), Fields: map[string]string{"cluster_id": "c1"}})
		if err != nil {
			t.Fatal(err)
		}
		fired += len(fs)
	}
	if fired != 2 {
		t.Errorf("fired %d times over two periods, want 2", fired)
	}
}
