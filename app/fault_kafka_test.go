package app

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/internal/freeport"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
	"github.com/yuqing-dev/yuqing/internal/testredis"
)

// TestFaultKafkaBrokerRestart closes the Kafka broker (an in-process kfake
// cluster with a data directory) in the middle of a continuous ingest and
// starts it again on the same port from the same directory: ingest answers
// 202 or 503 while it is gone (never another error, never no answer), and
// every acknowledged post is searchable once afterwards. It always runs on
// kfake, even with YUQING_TEST_KAFKA set: it needs to stop the broker.
func TestFaultKafkaBrokerRestart(t *testing.T) {
	dir, port := t.TempDir(), freeport.ForTest(t)
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

// TestFaultKafkaBrokerKilled is TestFaultKafkaBrokerRestart with a crash:
// the broker (kfake in a child process, with a data directory) gets
// SIGKILL in the middle of a continuous ingest, so none of its shutdown
// code runs, and a new process starts on the same port from the same
// directory 3 s later. Ingest answers 202 or 503 meanwhile, and every
// acknowledged post is searchable exactly once afterwards. Like the
// graceful test it always runs on kfake.
//
// The pipeline keeps up with this load within milliseconds, so a kill at
// an arbitrary moment usually finds every acknowledged post consumed
// already and proves little about what the broker kept. The kill is
// therefore sent as soon as a batch has been acknowledged, while that
// batch is still on its way through the pipeline (the test logs how many
// acknowledged posts were not searchable yet when the broker died).
func TestFaultKafkaBrokerKilled(t *testing.T) {
	b := testkafka.StartProcess(t, t.TempDir(), freeport.ForTest(t))
	cfg := distributedConfig(t, []string{b.Addr()}, testredis.Start(t))
	s := startApp(t, cfg)

	l := newLoad(s.base, "kafka-kill", "山区暴雨引发山洪预警")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.run(ctx, 50*time.Millisecond) }()
	time.Sleep(time.Second)
	acked := func() []string {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.acked
	}
	n := len(acked())
	for deadline := time.Now().Add(10 * time.Second); len(acked()) == n; time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no batch acknowledged in 10s before the kill: %s", l.summary())
		}
	}
	b.Kill()
	pending := 0
	for _, id := range acked() {
		if !s.hasDoc(id) {
			pending++
		}
	}
	t.Logf("broker killed with %d acknowledged posts not searchable yet: %s", pending, l.summary())
	time.Sleep(3 * time.Second)
	b.Restart()
	t.Logf("broker restarted: %s", l.summary())
	time.Sleep(2 * time.Second)
	cancel()
	<-done
	l.check(t, s)
}
