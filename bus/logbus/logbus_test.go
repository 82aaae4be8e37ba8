package logbus_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/bustest"
	"github.com/yuqing-dev/yuqing/bus/logbus"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestContract(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts logbus.Options
	}{
		{"Default", logbus.DefaultOptions()},
		{"NoSyncTinySegments", logbus.Options{Sync: false, SegmentBytes: 512}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bustest.Run(t, func(t *testing.T) bus.Bus {
				opts := tc.opts
				opts.Logger = testLogger(t)
				b, err := logbus.Open(dir, opts)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return b
			})
		})
	}
}

// open opens dir with opts and closes the bus at cleanup.
func open(t *testing.T, dir string, opts logbus.Options) *logbus.Bus {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	b, err := logbus.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func produceN(t *testing.T, b bus.Producer, topic string, from, n int) {
	t.Helper()
	var msgs []bus.Message
	for i := from; i < from+n; i++ {
		msgs = append(msgs, bus.Message{Topic: topic, Key: []byte("k"), Value: []byte(fmt.Sprintf("v-%d", i))})
	}
	if err := b.Produce(context.Background(), msgs...); err != nil {
		t.Fatalf("Produce: %v", err)
	}
}

// consumeAll fetches until nothing arrives for 100ms and checks that
// offsets are dense from first and values are "v-<offset>".
func consumeAll(t *testing.T, b bus.Bus, group, topic string, first int64) int64 {
	t.Helper()
	c, err := b.Consumer(context.Background(), group, topic)
	if err != nil {
		t.Fatalf("Consumer: %v", err)
	}
	defer c.Close()
	next := first
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		msgs, err := c.Fetch(ctx, 1000, 0)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return next
		}
		if err != nil {
			t.Fatalf("Fetch at offset %d: %v", next, err)
		}
		for _, m := range msgs {
			if m.Offset != next || string(m.Value) != fmt.Sprintf("v-%d", next) || m.Partition != 0 {
				t.Fatalf("got offset %d partition %d value %q, want offset %d value v-%d", m.Offset, m.Partition, m.Value, next, next)
			}
			next++
		}
	}
}

func segmentFiles(t *testing.T, dir, topic string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, topic, "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func TestSegmentsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	const topic = "raw"
	opts := logbus.Options{Sync: true, SegmentBytes: 128}
	b := open(t, dir, opts)
	for i := 0; i < 50; i += 5 {
		produceN(t, b, topic, i, 5)
	}
	b.Close()
	files := segmentFiles(t, dir, topic)
	if len(files) < 10 {
		t.Fatalf("want at least 10 segments with 128-byte segments, got %d", len(files))
	}
	if base := filepath.Base(files[0]); base != "00000000000000000000.log" {
		t.Fatalf("first segment is %s", base)
	}
	b = open(t, dir, opts)
	if next := consumeAll(t, b, "all", topic, 0); next != 50 {
		t.Fatalf("read up to offset %d across segments, want 50", next)
	}
	// Commit in the middle of a segment and resume there after reopening.
	c, err := b.Consumer(context.Background(), "half", topic)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(context.Background(), 25, time.Second)
	if err != nil || len(msgs) != 25 {
		t.Fatalf("Fetch = %d messages, %v", len(msgs), err)
	}
	if err := c.Commit(context.Background(), msgs[24]); err != nil {
		t.Fatal(err)
	}
	c.Close()
	b.Close()
	b = open(t, dir, opts)
	if next := consumeAll(t, b, "half", topic, 25); next != 50 {
		t.Fatalf("resumed group read up to %d, want 50", next)
	}
	produceN(t, b, topic, 50, 7)
	if next := consumeAll(t, b, "all2", topic, 0); next != 57 {
		t.Fatalf("read up to %d, want 57", next)
	}
}

func commitAt(t *testing.T, b bus.Bus, group, topic string, n int) {
	t.Helper()
	c, err := b.Consumer(context.Background(), group, topic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msgs, err := c.Fetch(context.Background(), n, 50*time.Millisecond)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("Fetch: %d, %v", len(msgs), err)
	}
	if err := c.Commit(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

// bases returns the base offsets of a topic's segment files.
func bases(t *testing.T, dir, topic string) []int64 {
	var out []int64
	for _, f := range segmentFiles(t, dir, topic) {
		var base int64
		if _, err := fmt.Sscanf(filepath.Base(f), "%020d.log", &base); err != nil {
			t.Fatal(err)
		}
		out = append(out, base)
	}
	return out
}

func TestTrim(t *testing.T) {
	dir := t.TempDir()
	const topic = "raw"
	opts := logbus.Options{Sync: true, SegmentBytes: 150} // 4 records of 40 bytes per segment
	b := open(t, dir, opts)
	ctx := context.Background()
	if err := b.Trim(ctx); err != nil { // no group committed: nothing to do
		t.Fatal(err)
	}
	produceN(t, b, topic, 0, 40)
	before := bases(t, dir, topic)
	if len(before) < 8 {
		t.Fatalf("want many segments, got %v", before)
	}
	commitAt(t, b, "fast", topic, 30) // committed 30
	commitAt(t, b, "slow", topic, 10) // committed 10
	if err := b.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	after := bases(t, dir, topic)
	// Every deleted segment ends at or below 10; the first kept one holds 10
	// or starts right after it.
	if after[0] > 10 || (len(after) > 1 && after[1] <= 10) {
		t.Fatalf("after Trim with min commit 10 segments start at %v (were %v)", after, before)
	}
	if len(after) >= len(before) {
		t.Fatalf("Trim deleted nothing: %v", after)
	}
	// The slow group resumes where it was; a group that never committed
	// starts at the start of the log.
	if next := consumeAll(t, b, "slow", topic, 10); next != 40 {
		t.Fatalf("slow group read up to %d, want 40", next)
	}
	if next := consumeAll(t, b, "new", topic, after[0]); next != 40 {
		t.Fatalf("new group read up to %d, want 40", next)
	}

	// With everything committed, only the active segment must remain.
	commitAt(t, b, "slow", topic, 100)
	commitAt(t, b, "fast", topic, 100)
	if err := b.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	final := bases(t, dir, topic)
	if len(final) != 1 || final[0] != before[len(before)-1] {
		t.Fatalf("after committing everything segments are %v, want only the active one %d", final, before[len(before)-1])
	}
	b.Close()
	b = open(t, dir, opts)
	produceN(t, b, topic, 40, 3)
	if next := consumeAll(t, b, "slow", topic, 40); next != 43 {
		t.Fatalf("after trimming and reopening read up to %d, want 43", next)
	}
}

func TestLagAndSecondConsumer(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir, logbus.DefaultOptions())
	ctx := context.Background()
	produceN(t, b, "raw", 0, 10)
	c, err := b.Consumer(ctx, "g", "raw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Consumer(ctx, "g", "raw"); err == nil {
		t.Fatal("a second consumer of the same group and topic was allowed")
	}
	if lag := c.Lag(); lag != 10 {
		t.Fatalf("Lag = %d, want 10", lag)
	}
	msgs, err := c.Fetch(ctx, 4, 0)
	if err != nil || len(msgs) != 4 {
		t.Fatalf("Fetch = %d, %v", len(msgs), err)
	}
	if err := c.Commit(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if lag := c.Lag(); lag != 6 {
		t.Fatalf("Lag after committing 4 = %d, want 6", lag)
	}
	got, err := os.ReadFile(filepath.Join(dir, "raw", "groups", "g.offset"))
	if err != nil || strings.TrimSpace(string(got)) != "4" {
		t.Fatalf("offset file = %q, %v; want 4", got, err)
	}
	c.Close()
	c2, err := b.Consumer(ctx, "g", "raw")
	if err != nil {
		t.Fatalf("consumer after the first was closed: %v", err)
	}
	c2.Close()
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir, logbus.DefaultOptions())
	if b2, err := logbus.Open(dir, logbus.DefaultOptions()); err == nil {
		b2.Close()
		t.Fatal("a second Open of the same directory succeeded")
	}
	ctx := context.Background()
	for _, name := range []string{"", "..", "a/b", "sp ace", strings.Repeat("x", 250)} {
		if err := b.EnsureTopics(ctx, name); err == nil {
			t.Errorf("EnsureTopics(%q) succeeded", name)
		}
		if err := b.Produce(ctx, bus.Message{Topic: name, Value: []byte("v")}); err == nil {
			t.Errorf("Produce to %q succeeded", name)
		}
	}
	if _, err := b.Consumer(ctx, "bad/group", "raw"); err == nil {
		t.Error("Consumer with group bad/group succeeded")
	}
	if err := b.EnsureTopics(ctx, "docs"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "00000000000000000000.log")); err != nil {
		t.Fatalf("EnsureTopics did not create the first segment: %v", err)
	}
}
