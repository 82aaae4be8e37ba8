package kafkabus_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/bustest"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
)

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestContract(t *testing.T) {
	addrs := testkafka.Brokers(t)
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
