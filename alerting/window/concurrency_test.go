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
