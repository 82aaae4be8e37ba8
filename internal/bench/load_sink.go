package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/ingest"
)

// sink delivers a batch of posts; refused means "not accepted, retry
// after retry" (HTTP 503), any other failure is an error.
type sink interface {
	Send(ctx context.Context, posts []ingest.Post) (refused bool, retry time.Duration, err error)
	Close() error
}

// apiSink posts NDJSON to an ingest API.
type apiSink struct {
	url    string
	client *http.Client
}

func (s apiSink) Send(ctx context.Context, posts []ingest.Post) (bool, time.Duration, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, p := range posts {
		p.IngestedAt = time.Time{} // the server's to set
		if err := enc.Encode(p); err != nil {
			return false, 0, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, &b)
	if err != nil {
		return false, 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := s.client.Do(req)
	if err != nil {
		return false, 0, fmt.Errorf("ingest request: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusAccepted:
		return false, 0, nil
	case http.StatusServiceUnavailable:
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return true, time.Duration(max(secs, 1)) * time.Second, nil
	}
	return false, 0, fmt.Errorf("ingest answered %s: %.400s", resp.Status, body)
}

func (s apiSink) Close() error { s.client.CloseIdleConnections(); return nil }

// kafkaSink writes posts to the raw topic the way the ingest API does:
// the JSON of ingest.Post keyed by id, stamped with the schema version,
// acknowledged by all in-sync replicas.
type kafkaSink struct{ w *kafka.Writer }

func newKafkaSink(brokers []string, topic string, batch int) kafkaSink {
	return kafkaSink{&kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 2 * time.Millisecond, BatchSize: batch}}
}

func (s kafkaSink) Send(ctx context.Context, posts []ingest.Post) (bool, time.Duration, error) {
	now := time.Now().UTC()
	msgs := make([]kafka.Message, len(posts))
	hdr := []kafka.Header{{Key: kafkabus.SchemaHeader, Value: []byte(strconv.Itoa(bus.SchemaVersion))}}
	for i, p := range posts {
		p.IngestedAt = now
		v, err := json.Marshal(p)
		if err != nil {
			return false, 0, err
		}
		msgs[i] = kafka.Message{Key: []byte(p.ID), Value: v, Time: now, Headers: hdr}
	}
	if err := s.w.WriteMessages(ctx, msgs...); err != nil {
		return false, 0, fmt.Errorf("writing to the raw topic: %w", err)
	}
	return false, 0, nil
}

func (s kafkaSink) Close() error { return s.w.Close() }
