package kafkasrc_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/ingest/kafkasrc"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
)

// now is the test clock: every Post is ingested at it.
var now = time.Date(2026, 11, 25, 8, 30, 0, 0, time.UTC)

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// topic is a topic on a fresh test cluster that tests produce to.
type topic struct {
	t       *testing.T
	brokers []string
	name    string
	bus     *kafkabus.Bus
}

// newTopic starts a cluster and creates a topic of the given partitions.
func newTopic(t *testing.T, partitions int) *topic {
	t.Helper()
	brokers := testkafka.Brokers(t)
	b, err := kafkabus.New(kafkabus.Config{Brokers: brokers, ClientID: "kafkasrc-test",
		Partitions: partitions, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("kafkabus.New: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	name := "crawler-" + strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if err := b.EnsureTopics(ctxFor(t, 20*time.Second), name); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	return &topic{t: t, brokers: brokers, name: name, bus: b}
}

// produce writes one message per value, keyed by its position.
func (tp *topic) produce(values ...string) {
	tp.t.Helper()
	msgs := make([]bus.Message, len(values))
	for i, v := range values {
		msgs[i] = bus.Message{Topic: tp.name, Key: fmt.Appendf(nil, "k%d", i), Value: []byte(v)}
	}
	if err := tp.bus.Produce(ctxFor(tp.t, 10*time.Second), msgs...); err != nil {
		tp.t.Fatalf("Produce: %v", err)
	}
}

// source returns a kafka source on the topic, closed when the test ends.
func (tp *topic) source(name, group string, edit ...func(*configs.Source)) *kafkasrc.Source {
	tp.t.Helper()
	cfg := configs.Source{Name: name, Type: configs.SourceKafka, Brokers: tp.brokers, Topic: tp.name, Group: group}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := kafkasrc.New(cfg, ingest.DefaultLimits(), func() time.Time { return now }, testLogger(tp.t))
	if err != nil {
		tp.t.Fatalf("New: %v", err)
	}
	tp.t.Cleanup(func() { _ = s.Close() })
	return s
}

// committed returns the group's committed offset (the next to read) per
// partition of the topic; partitions without a commit are left out.
func (tp *topic) committed(group string) map[int]int64 {
	tp.t.Helper()
	c := &kafka.Client{Addr: kafka.TCP(tp.brokers...), Timeout: 10 * time.Second}
	res, err := c.OffsetFetch(ctxFor(tp.t, 10*time.Second), &kafka.OffsetFetchRequest{
		GroupID: group, Topics: map[string][]int{tp.name: {0, 1, 2, 3, 4, 5, 6, 7}}})
	if err != nil {
		tp.t.Fatalf("OffsetFetch: %v", err)
	}
	out := map[int]int64{}
	for _, p := range res.Topics[tp.name] {
		if p.Error == nil && p.CommittedOffset >= 0 {
			out[p.Partition] = p.CommittedOffset
		}
	}
	return out
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// read reads until n records (posts and rejects) came, or fails the test
// after 20 s. With ack it acknowledges each batch and returns them all;
// without, every Read returns the unacknowledged records again, and the
// last batch (holding all n) is returned. Reject indexes are made
// positions in the whole read.
func read(t *testing.T, s *kafkasrc.Source, n int, ack bool) collect.Batch {
	t.Helper()
	ctx := ctxFor(t, 20*time.Second)
	var all collect.Batch
	for {
		b, err := s.Read(ctx, nil)
		if err != nil {
			t.Fatalf("Read after %d of %d records: %v", len(all.Posts)+len(all.Rejects), n, err)
		}
		if b.Cursor != nil || !b.More {
			t.Fatalf("Read: Cursor %q More %v, want nil and true", b.Cursor, b.More)
		}
		if !ack {
			all = b
		} else {
			base := len(all.Posts) + len(all.Rejects)
			all.Posts = append(all.Posts, b.Posts...)
			for _, r := range b.Rejects {
				r.Index += base
				all.Rejects = append(all.Rejects, r)
			}
			if b.Ack != nil {
				if err := b.Ack(ctx); err != nil {
					t.Fatalf("Ack: %v", err)
				}
			}
		}
		if got := len(all.Posts) + len(all.Rejects); got >= n {
			if got > n {
				t.Fatalf("read %d records, want %d: %+v", got, n, all)
			}
			return all
		}
	}
}

// ids returns the posts' ids by their text.
func ids(ps []ingest.Post) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		out[p.Text] = p.ID
	}
	return out
}
