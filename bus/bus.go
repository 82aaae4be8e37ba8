package bus

import (
	"context"
	"errors"
	"time"
)

// ErrClosed is returned by operations on a closed Bus or Consumer.
var ErrClosed = errors.New("bus closed")

// SchemaVersion is the version of the records this binary writes (the
// JSON of ingest.Post on the raw topic, analysis.Doc on the docs topic).
// A record of a newer version than a consumer knows is not processed: the
// consumer retries it (and reports batch errors) until it is upgraded, so
// a rolling upgrade upgrades consumers before producers. Additions that
// old readers may ignore keep the version; a change they would misread
// bumps it.
const SchemaVersion = 1

// Message is one record on a topic. Key is the document id, so one document
// always lands in the same partition.
type Message struct {
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	Time      time.Time
	// Schema is the record's schema version, carried on Kafka as the
	// yuqing-schema header; 0 means unversioned (written before versions
	// existed, or by the embedded bus, whose log is read by the binary that
	// wrote it), read as version 1. Producers stamp SchemaVersion.
	Schema int
}

// Producer publishes messages.
type Producer interface {
	// Produce returns nil only when every message is durable: acknowledged by
	// all in-sync replicas on Kafka (acks=all), written to the local log in
	// embedded mode. On error, none of the messages may be assumed durable and
	// the caller must not acknowledge them upstream. Produce is safe for
	// concurrent use. A cancelled ctx returns ctx.Err().
	Produce(ctx context.Context, msgs ...Message) error
}

// Consumer reads one topic as a member of a consumer group. Delivery is
// at-least-once: messages fetched but not committed are delivered again
// after a restart or a rebalance. A Consumer is used by one goroutine.
type Consumer interface {
	// Fetch blocks until at least one message is available or ctx is done,
	// then returns up to max messages, waiting at most wait for more after
	// the first one arrived. It returns ctx.Err() when ctx is done first and
	// ErrClosed after Close.
	Fetch(ctx context.Context, max int, wait time.Duration) ([]Message, error)
	// Commit records that msgs, and everything before them in their
	// partitions, are processed. It returns when the commit is durable.
	Commit(ctx context.Context, msgs ...Message) error
	// Lag is the number of messages in the topic after the last committed
	// offset, summed over the partitions this consumer holds; -1 if unknown.
	Lag() int64
	// Close leaves the group. Uncommitted messages are delivered again to
	// the next member.
	Close() error
}

// Bus is the transport between pipeline stages: Kafka in distributed mode,
// a durable local log in embedded mode.
type Bus interface {
	Producer
	// EnsureTopics creates the topics that do not exist yet.
	EnsureTopics(ctx context.Context, topics ...string) error
	// Consumer joins group on topic.
	Consumer(ctx context.Context, group, topic string) (Consumer, error)
	// Close flushes and releases everything; consumers must be closed first.
	Close() error
}
