package logbus_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/logbus"
)

// BenchmarkProduce measures ingestion: producers concurrent goroutines
// each Produce one ~600-byte message per call, b.N messages in total.
func BenchmarkProduce(b *testing.B) {
	value := make([]byte, 600)
	for i := range value {
		value[i] = byte('a' + i%26)
	}
	for _, sync := range []bool{true, false} {
		for _, producers := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("sync=%v/producers=%d", sync, producers), func(b *testing.B) {
				benchProduce(b, sync, producers, value)
			})
		}
	}
}

func benchProduce(b *testing.B, syncOn bool, producers int, value []byte) {
	lb, err := logbus.Open(b.TempDir(), logbus.Options{Sync: syncOn, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer lb.Close()
	ctx := context.Background()
	if err := lb.EnsureTopics(ctx, "raw"); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(value)))
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []byte(fmt.Sprintf("doc-%012d", p))
			for next.Add(1) <= int64(b.N) {
				if err := lb.Produce(ctx, bus.Message{Topic: "raw", Key: key, Value: value}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
