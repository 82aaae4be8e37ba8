package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
	"github.com/yuqing-dev/yuqing/internal/testredis"
)

// TestFaultRedisRestartDuringLoad stops Redis for a few seconds while a
// client ingests continuously in distributed mode: ingest answers 202 or
// 503 (never another error, never no answer), every acknowledged post is
// searchable once afterwards, and a frequency rule fires again once Redis
// is back (its windows recover).
func TestFaultRedisRestartDuringLoad(t *testing.T) {
	rs := testredis.StartServer(t)
	hook := newWebhook(t)
	cfg := distributedConfig(t, testkafka.Brokers(t), rs.Addr())
	cfg.RulesDir = frequencyRule(t)
	cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	s := startApp(t, cfg)

	l := newLoad(s.base, "redis-fault", "城区暴雨积水情况通报")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.run(ctx, 50*time.Millisecond) }()
	time.Sleep(time.Second)
	rs.Stop()
	t.Logf("redis stopped: %s", l.summary())
	time.Sleep(3 * time.Second)
	rs.Restart()
	t.Logf("redis restarted: %s", l.summary())
	time.Sleep(time.Second)
	cancel()
	<-done
	l.check(t, s)

	// Windows recover: three posts of a new source fire the rule.
	for i := range 3 {
		body := fmt.Sprintf(`{"id":"after-redis-%d","source":"after-redis","text":"暴雨导致道路中断（第%d条）"}`, i, i)
		if code, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(body)); code != 202 {
			t.Fatalf("post after the restart: %d %v", code, m)
		}
	}
	// The alert stage may still be backing off (≤ 5 s) from the outage.
	deadline := time.Now().Add(60 * time.Second)
	for !hook.saw("after-redis") {
		if time.Now().After(deadline) {
			t.Fatal("the frequency rule did not fire within 60s after Redis came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
