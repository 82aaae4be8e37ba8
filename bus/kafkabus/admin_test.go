package kafkabus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
)

func TestGroupLagAndPing(t *testing.T) {
	b, err := kafkabus.New(kafkabus.Config{Brokers: testkafka.Brokers(t), ClientID: "lag-test", Partitions: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const topic = "lag-test"
	if err := b.EnsureTopics(ctx, topic); err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx, topic); err != nil {
		t.Fatalf("ping: %v", err)
	}
	var msgs []bus.Message
	for i := range 10 {
		msgs = append(msgs, bus.Message{Topic: topic, Key: fmt.Appendf(nil, "k%d", i), Value: []byte("v")})
	}
	if err := b.Produce(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if lag, err := b.GroupLag(ctx, "never-joined", topic); err != nil || lag != 10 {
		t.Fatalf("lag of a group that never committed: %d, %v", lag, err)
	}
	c, err := b.Consumer(ctx, "half", topic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []bus.Message
	for len(got) < 10 {
		ms, err := c.Fetch(ctx, 10-len(got), 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ms...)
	}
	// commit 4 of them: the earliest per partition, so the rest stays behind
	byPart := map[int][]bus.Message{}
	for _, m := range got {
		byPart[m.Partition] = append(byPart[m.Partition], m)
	}
	committed := 0
	for _, ms := range byPart {
		n := (len(ms) + 1) / 2
		if err := c.Commit(ctx, ms[n-1]); err != nil {
			t.Fatal(err)
		}
		committed += n
	}
	lag, err := b.GroupLag(ctx, "half", topic)
	if err != nil || lag != int64(10-committed) {
		t.Fatalf("lag after committing %d of 10: %d, %v", committed, lag, err)
	}
	if _, err := b.GroupLag(ctx, "half", "no-such-topic-here"); err == nil {
		t.Error("lag of a missing topic: no error")
	}
}

func TestRecordsCarryTheSchemaVersion(t *testing.T) {
	b, err := kafkabus.New(kafkabus.Config{Brokers: testkafka.Brokers(t), ClientID: "schema-test", Partitions: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.EnsureTopics(ctx, "schema-test"); err != nil {
		t.Fatal(err)
	}
	if err := b.Produce(ctx, bus.Message{Topic: "schema-test", Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	c, err := b.Consumer(ctx, "schema", "schema-test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msgs, err := c.Fetch(ctx, 1, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].Schema != bus.SchemaVersion {
		t.Errorf("schema %d, want %d", msgs[0].Schema, bus.SchemaVersion)
	}
}
