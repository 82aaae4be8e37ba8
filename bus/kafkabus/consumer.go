package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/bus"
)

// Consumer reads one topic as a member of a Kafka consumer group. Fetch and
// Commit are used by one goroutine; Close and Lag may be called from any.
type Consumer struct {
	topic, group string
	r            *kafka.Reader
	closed       atomic.Bool
	closeOnce    sync.Once
	pending      error // a fetch error held back while messages were returned

	mu    sync.Mutex
	parts map[int]*partState
}

// partState tracks one partition for Lag and for ignoring stale commits.
type partState struct {
	first     int64 // offset of the first message fetched, the group's position at join
	hwm       int64 // high watermark seen on the latest fetched message
	committed int64 // next offset committed by this consumer; -1 if none
}

var _ bus.Consumer = (*Consumer)(nil)

// Consumer joins group on topic. The group starts from the earliest offset
// when it has no committed offset. The join itself happens in the
// background and the first Fetch waits for it.
func (b *Bus) Consumer(ctx context.Context, group, topic string) (bus.Consumer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.isClosed() {
		return nil, bus.ErrClosed
	}
	cfg := kafka.ReaderConfig{
		Brokers: b.cfg.Brokers,
		GroupID: group,
		Topic:   topic,
		Dialer: &kafka.Dialer{
			ClientID:      b.cfg.ClientID,
			Timeout:       10 * time.Second,
			DualStack:     true,
			TLS:           b.cfg.TLS,
			SASLMechanism: b.mech,
		},
		MinBytes:          1,
		MaxBytes:          10 << 20,
		MaxWait:           100 * time.Millisecond,
		CommitInterval:    0, // synchronous commits
		StartOffset:       kafka.FirstOffset,
		HeartbeatInterval: time.Second,
		SessionTimeout:    10 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		JoinGroupBackoff:  200 * time.Millisecond,
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    500 * time.Millisecond,
		Logger:            debugLogger(b.log.With("group", group, "topic", topic)),
		ErrorLogger:       warnLogger(b.log.With("group", group, "topic", topic)),
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("joining group %s on topic %s: %w", group, topic, err)
	}
	return &Consumer{
		topic: topic,
		group: group,
		r:     kafka.NewReader(cfg),
		parts: make(map[int]*partState),
	}, nil
}

// Fetch returns the first message kafka-go delivers, then keeps fetching
// until max messages or until wait has passed since the first one. A
// kafka-go FetchMessage that gives up on its ctx leaves its message queued,
// so no message is lost to the wait deadline. With wait <= 0, Fetch returns
// the first message plus at most what is already queued.
func (c *Consumer) Fetch(ctx context.Context, max int, wait time.Duration) ([]bus.Message, error) {
	if max <= 0 {
		return nil, fmt.Errorf("fetching from topic %s: max must be positive, got %d", c.topic, max)
	}
	if c.closed.Load() {
		return nil, bus.ErrClosed
	}
	if err := c.pending; err != nil {
		c.pending = nil
		return nil, err
	}
	m, err := c.r.FetchMessage(ctx)
	if err != nil {
		return nil, c.fetchErr(ctx, err)
	}
	out := []bus.Message{c.track(m)}
	if max == 1 {
		return out, nil
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for len(out) < max {
		m, err := c.r.FetchMessage(wctx)
		if err != nil {
			if wctx.Err() == nil {
				if err = c.fetchErr(ctx, err); errors.Is(err, bus.ErrClosed) {
					return nil, err
				}
				c.pending = err
			}
			break
		}
		out = append(out, c.track(m))
	}
	return out, nil
}

// fetchErr maps a FetchMessage error.
func (c *Consumer) fetchErr(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, io.EOF) || c.closed.Load():
		return bus.ErrClosed
	default:
		return fmt.Errorf("fetching from topic %s as group %s: %w", c.topic, c.group, err)
	}
}

// track records m's partition progress and converts it.
func (c *Consumer) track(m kafka.Message) bus.Message {
	c.mu.Lock()
	p := c.parts[m.Partition]
	if p == nil {
		p = &partState{first: m.Offset, committed: -1}
		c.parts[m.Partition] = p
	}
	p.hwm = m.HighWaterMark
	c.mu.Unlock()
	return bus.Message{
		Topic:     m.Topic,
		Partition: m.Partition,
		Offset:    m.Offset,
		Key:       m.Key,
		Value:     m.Value,
		Time:      m.Time,
		Schema:    schemaOf(m.Headers),
	}
}

// Commit synchronously commits, per partition, the highest offset in msgs
// plus one. Messages not beyond what this consumer already committed in
// their partition are ignored, so a commit never moves backwards.
func (c *Consumer) Commit(ctx context.Context, msgs ...bus.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.closed.Load() {
		return bus.ErrClosed
	}
	hi := make(map[int]int64)
	for _, m := range msgs {
		if m.Topic != c.topic {
			return fmt.Errorf("committing group %s on topic %s: message is from topic %q", c.group, c.topic, m.Topic)
		}
		if cur, ok := hi[m.Partition]; !ok || m.Offset > cur {
			hi[m.Partition] = m.Offset
		}
	}
	var km []kafka.Message
	c.mu.Lock()
	for part, off := range hi {
		if p := c.parts[part]; p == nil || off+1 > p.committed {
			km = append(km, kafka.Message{Topic: c.topic, Partition: part, Offset: off})
		}
	}
	c.mu.Unlock()
	if len(km) == 0 {
		return nil
	}
	if err := c.r.CommitMessages(ctx, km...); err != nil {
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, io.ErrClosedPipe):
			return bus.ErrClosed
		}
		return fmt.Errorf("committing group %s on topic %s: %w", c.group, c.topic, err)
	}
	c.mu.Lock()
	for _, m := range km {
		p := c.parts[m.Partition]
		if p == nil {
			p = &partState{first: m.Offset + 1, hwm: m.Offset + 1, committed: -1}
			c.parts[m.Partition] = p
		}
		p.committed = max(p.committed, m.Offset+1)
	}
	c.mu.Unlock()
	return nil
}

// Lag is, summed over the partitions this consumer has fetched from, the
// high watermark seen on the latest fetched message minus the committed
// offset (the position at join when this consumer has not committed). It
// is -1 before the first fetch. It is as fresh as the latest Fetch.
//
// kafka-go's Reader.Stats().Lag is not used: it is the lag of one partition
// behind the read position, not the commit, and Stats resets the reader's
// counters.
func (c *Consumer) Lag() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.parts) == 0 {
		return -1
	}
	var lag int64
	for _, p := range c.parts {
		base := p.first
		if p.committed >= 0 {
			base = p.committed
		}
		lag += max(p.hwm-base, 0)
	}
	return lag
}

// PartitionLag is Lag per partition this consumer has fetched from.
func (c *Consumer) PartitionLag() map[int]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[int]int64, len(c.parts))
	for part, p := range c.parts {
		base := p.first
		if p.committed >= 0 {
			base = p.committed
		}
		out[part] = max(p.hwm-base, 0)
	}
	return out
}

// Close leaves the group; a blocked Fetch returns bus.ErrClosed. Messages
// fetched but not committed are delivered again to the group's next member.
func (c *Consumer) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		if cerr := c.r.Close(); cerr != nil {
			err = fmt.Errorf("leaving group %s on topic %s: %w", c.group, c.topic, cerr)
		}
	})
	return err
}
