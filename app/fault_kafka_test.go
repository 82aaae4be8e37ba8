package app

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/internal/testredis"
)

// TestFaultKafkaBrokerRestart closes the Kafka broker (an in-process kfake
// cluster with a data directory) in the middle of a continuous ingest and
// starts it again on the same port from the same directory: ingest answers
// 202 or 503 while it is gone (never another error, never no answer), and
// every acknowledged post is searchable once afterwards. It always runs on
// kfake, even with YUQING_TEST_KAFKA set: it needs to stop the broker.
func TestFaultKafkaBrokerRestart(t *testing.T) {
	dir, port := t.TempDir(), freePort(t)
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DataDir(dir), kfake.Ports(port)}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	cfg := distributedConfig(t, c.ListenAddrs(), testredis.Start(t))
	s := startApp(t, cfg)

	l := newLoad(s.base, "kafka-fault", "山区暴雨引发山洪预警")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.run(ctx, 50*time.Millisecond) }()
	time.Sleep(time.Second)
	c.Close()
	t.Logf("broker closed: %s", l.summary())
	time.Sleep(3 * time.Second)
	if c, err = kfake.NewCluster(opts...); err != nil {
		t.Fatalf("restarting kfake on port %d from %s: %v", port, dir, err)
	}
	t.Logf("broker restarted: %s", l.summary())
	time.Sleep(2 * time.Second)
	cancel()
	<-done
	l.check(t, s)
}
