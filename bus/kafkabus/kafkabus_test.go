package kafkabus_test

import (
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/bustest"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
)

// brokers returns YUQING_TEST_KAFKA (host:port[,host:port...]) when set,
// otherwise starts an in-process kfake cluster closed at cleanup.
func brokers(t *testing.T) []string {
	t.Helper()
	if addr := os.Getenv("YUQING_TEST_KAFKA"); addr != "" {
		t.Logf("using Kafka at %s", addr)
		return strings.Split(addr, ",")
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestContract(t *testing.T) {
	addrs := brokers(t)
	bustest.Run(t, func(t *testing.T) bus.Bus {
		b, err := kafkabus.New(kafkabus.Config{
			Brokers:  addrs,
			ClientID: "yuqing-bustest",
			Logger:   slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return b
	})
}

func TestNewRequiresBrokers(t *testing.T) {
	if _, err := kafkabus.New(kafkabus.Config{}); err == nil {
		t.Fatal("New without brokers succeeded")
	}
}
