package window

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// BenchmarkObserveFrequency observes posts for a frequency rule spread
// over 1, 100 or 10,000 query_key values, one post every 10ms of
// simulated time, on localstate and on a local redis-server. Each Observe
// is one IncrBy (on localstate an fsynced bbolt write), one evidence Set
// for the first posts of a bucket, and Buckets Gets.
func BenchmarkObserveFrequency(b *testing.B) {
	addr := testredis.Start(b)
	for _, store := range []string{"local", "redis"} {
		for _, keys := range []int{1, 100, 10_000} {
			b.Run(store+"/keys="+strconv.Itoa(keys), func(b *testing.B) {
				clock := testclock.New(start)
				var s state.Store
				if store == "local" {
					s = openLocal(b, clock)
				} else {
					rs, err := redisstate.New(redisstate.Config{Addr: addr, KeyPrefix: b.Name() + ":"})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { rs.Close() })
					s = rs
				}
				benchObserve(b, New(s, clock.Now, "w/"), clock, keys)
			})
		}
	}
}

func benchObserve(b *testing.B, ev *Evaluator, clock *testclock.Clock, keys int) {
	r := rule.Rule{ID: "freq", Type: rule.TypeFrequency, NumEvents: 1_000_000, Timeframe: dur("10m"), QueryKey: "cluster_id"}
	ctx := context.Background()
	names := make([]string, keys)
	for i := range names {
		names[i] = "c" + strconv.Itoa(i)
	}
	i := 0
	for b.Loop() {
		clock.Advance(10 * time.Millisecond)
		e := Event{RuleID: r.ID, DocID: "d", Fields: map[string]string{"cluster_id": names[i%keys]}}
		if _, err := ev.Observe(ctx, r, e); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
