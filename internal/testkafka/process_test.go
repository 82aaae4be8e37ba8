package testkafka

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/internal/freeport"
)

func TestMain(m *testing.M) {
	ServeIfChild()
	os.Exit(m.Run())
}

// TestStartProcessKillRestart writes records to a broker process, SIGKILLs
// it, starts it again from the same directory and reads every record back
// once, and finds a consumer group's committed offset: what a killed
// broker acknowledged survives it.
func TestStartProcessKillRestart(t *testing.T) {
	b := StartProcess(t, t.TempDir(), freeport.ForTest(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Created explicitly, as the application does: kfake does not save a
	// topic that a Metadata request auto-creates until a clean shutdown,
	// so after a crash it would be gone.
	client := &kafka.Client{Addr: kafka.TCP(b.Addr()), Transport: &kafka.Transport{}}
	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{
		Topics: []kafka.TopicConfig{{Topic: "crash", NumPartitions: 1, ReplicationFactor: 1}}})
	if err != nil {
		t.Fatalf("creating topic: %v", err)
	}
	if err := resp.Errors["crash"]; err != nil {
		t.Fatalf("creating topic: %v", err)
	}
	w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: "crash", RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond}
	const n = 100
	for i := range n {
		if err := w.WriteMessages(ctx, kafka.Message{Value: fmt.Appendf(nil, "%d", i)}); err != nil {
			t.Fatalf("writing record %d: %v", i, err)
		}
	}
	w.Close()
	// A committed consumer offset must survive too, or a restarted
	// consumer would read again from an older offset.
	commit, err := client.OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: "g", GenerationID: -1,
		Topics: map[string][]kafka.OffsetCommit{"crash": {{Partition: 0, Offset: 60}}}})
	if err != nil {
		t.Fatalf("committing an offset: %v", err)
	}
	if p := commit.Topics["crash"]; len(p) != 1 || p[0].Error != nil {
		t.Fatalf("committing an offset: %+v", commit.Topics)
	}

	b.Kill()
	b.Restart()

	// A new client: the old one's pooled connection died with the broker.
	client = &kafka.Client{Addr: kafka.TCP(b.Addr()), Transport: &kafka.Transport{}}
	fetched, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: "g", Topics: map[string][]int{"crash": {0}}})
	if err != nil {
		t.Fatalf("fetching the committed offset after the restart: %v", err)
	}
	if p := fetched.Topics["crash"]; len(p) != 1 || p[0].CommittedOffset != 60 {
		t.Errorf("committed offset after the restart: %+v, want 60", fetched.Topics["crash"])
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{b.Addr()}, Topic: "crash", Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	seen := map[string]int{}
	for i := range n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("reading record %d of %d after the restart: %v", i, n, err)
		}
		seen[string(m.Value)]++
	}
	for i := range n {
		if c := seen[fmt.Sprint(i)]; c != 1 {
			t.Errorf("record %d read %d times", i, c)
		}
	}
}
