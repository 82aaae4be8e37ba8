package bustest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
)

// opTimeout bounds every step that should succeed; a consumer group join on
// Kafka can take a few seconds.
const opTimeout = 30 * time.Second

// names returns a topic and a group name unique to the calling test, safe
// for both implementations and for reruns against a persistent cluster.
func names(t *testing.T) (topic, group string) {
	t.Helper()
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('.')
		}
	}
	base := b.String()
	if len(base) > 150 {
		base = base[len(base)-150:]
	}
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	return "bt." + base + "." + suffix, "g." + base + "." + suffix
}

// ctxFor returns a context bounded by opTimeout and cancelled at cleanup.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return ctx
}

// openedBus wraps a Bus so that the test can close it explicitly and the
// cleanup closes it only if the test did not.
type openedBus struct {
	bus.Bus
	once sync.Once
	err  error
}

func (o *openedBus) Close() error {
	o.once.Do(func() { o.err = o.Bus.Close() })
	return o.err
}

// openBus opens a bus, ensures topics exist and registers its closing.
func openBus(t *testing.T, open func(t *testing.T) bus.Bus, topics ...string) *openedBus {
	t.Helper()
	b := &openedBus{Bus: open(t)}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("closing bus: %v", err)
		}
	})
	if len(topics) > 0 {
		if err := b.EnsureTopics(ctxFor(t), topics...); err != nil {
			t.Fatalf("EnsureTopics(%v): %v", topics, err)
		}
	}
	return b
}

// openedConsumer makes Close idempotent, for the same reason as openedBus.
type openedConsumer struct {
	bus.Consumer
	once sync.Once
	err  error
}

func (o *openedConsumer) Close() error {
	o.once.Do(func() { o.err = o.Consumer.Close() })
	return o.err
}

// consumer joins group on topic and registers its closing, which runs
// before the bus's because cleanups run last-registered first.
func consumer(t *testing.T, b bus.Bus, group, topic string) *openedConsumer {
	t.Helper()
	c, err := b.Consumer(ctxFor(t), group, topic)
	if err != nil {
		t.Fatalf("Consumer(%s, %s): %v", group, topic, err)
	}
	oc := &openedConsumer{Consumer: c}
	t.Cleanup(func() {
		if err := oc.Close(); err != nil {
			t.Errorf("closing consumer: %v", err)
		}
	})
	return oc
}

// msg builds a message on topic.
func msg(topic, key, value string) bus.Message {
	return bus.Message{Topic: topic, Key: []byte(key), Value: []byte(value)}
}

// produce produces msgs and fails the test on error.
func produce(t *testing.T, p bus.Producer, msgs ...bus.Message) {
	t.Helper()
	if err := p.Produce(ctxFor(t), msgs...); err != nil {
		t.Fatalf("Produce(%d messages): %v", len(msgs), err)
	}
}

// fetchN fetches until n messages have arrived, failing the test on error,
// on timeout, or if a fetch returns more than max.
func fetchN(t *testing.T, c bus.Consumer, n int) []bus.Message {
	t.Helper()
	ctx := ctxFor(t)
	var got []bus.Message
	for len(got) < n {
		const max = 64
		msgs, err := c.Fetch(ctx, max, 50*time.Millisecond)
		if err != nil {
			t.Fatalf("Fetch after %d of %d messages: %v", len(got), n, err)
		}
		if len(msgs) == 0 || len(msgs) > max {
			t.Fatalf("Fetch(max %d) returned %d messages with a nil error", max, len(msgs))
		}
		got = append(got, msgs...)
	}
	if len(got) > n {
		t.Fatalf("fetched %d messages, want %d: %v", len(got), n, values(got))
	}
	return got
}

// expectNone checks that nothing arrives within d.
func expectNone(t *testing.T, c bus.Consumer, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	msgs, err := c.Fetch(ctx, 100, 10*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || len(msgs) != 0 {
		t.Fatalf("Fetch on a drained topic = %v, %v; want no messages and context.DeadlineExceeded", values(msgs), err)
	}
}

func values(msgs []bus.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Value)
	}
	return out
}

// checkOrder fails the test if messages of one key arrive out of production
// order; seq gives each value's position in its key's production order.
func checkOrder(t *testing.T, msgs []bus.Message, seq func(value string) int) {
	t.Helper()
	last := make(map[string]int)
	lastOff := make(map[int]int64)
	for _, m := range msgs {
		k := string(m.Key)
		s := seq(string(m.Value))
		if prev, ok := last[k]; ok && s <= prev {
			t.Fatalf("key %s: value %q (#%d) arrived after #%d", k, m.Value, s, prev)
		}
		last[k] = s
		if prev, ok := lastOff[m.Partition]; ok && m.Offset <= prev {
			t.Fatalf("partition %d: offset %d arrived after %d", m.Partition, m.Offset, prev)
		}
		lastOff[m.Partition] = m.Offset
	}
}

// checkSet fails the test unless msgs hold exactly the values in want, each
// once.
func checkSet(t *testing.T, msgs []bus.Message, want []string) {
	t.Helper()
	seen := make(map[string]int, len(msgs))
	for _, m := range msgs {
		seen[string(m.Value)]++
	}
	for _, w := range want {
		if seen[w] != 1 {
			t.Fatalf("value %q delivered %d times, want once", w, seen[w])
		}
		delete(seen, w)
	}
	for v, n := range seen {
		t.Fatalf("unexpected value %q delivered %d times", v, n)
	}
}
