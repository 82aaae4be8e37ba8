package logbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
)

var _ bus.Bus = (*Bus)(nil)

// Options configures a Bus. The zero value does NOT fsync; start from
// DefaultOptions.
type Options struct {
	// Sync fsyncs every produce batch before Produce returns, so produced
	// records survive a machine crash. Without it they survive a process
	// crash only. Committed offsets are always fsynced.
	Sync bool
	// SegmentBytes is the size after which a topic starts a new segment
	// file; Trim deletes whole segments. Zero or less means 64 MiB.
	SegmentBytes int64
	// Logger receives recovery and failure reports; nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultOptions returns Sync on, 64 MiB segments and slog.Default().
func DefaultOptions() Options {
	return Options{Sync: true, SegmentBytes: 64 << 20, Logger: slog.Default()}
}

// Bus is the embedded-mode bus.Bus: a durable local log per topic in one
// directory. It is safe for concurrent use. Only one Bus may have a
// directory open at a time; Open fails while another holds its lock.
type Bus struct {
	dir  string
	opts Options
	lock *os.File

	// closeMu is held shared by operations that must not overlap Close.
	closeMu sync.RWMutex
	closed  bool
	closing chan struct{} // closed by Close; wakes blocked fetches

	mu        sync.Mutex
	topics    map[string]*topic
	consumers map[consumerKey]bool
}

type consumerKey struct{ group, topic string }

// Open opens the log in dir, creating dir if needed. It recovers the last
// segment of every topic, truncating a torn or corrupt tail (logged), and
// fails when an older segment is missing records or another Bus holds dir.
func Open(dir string, opts Options) (*Bus, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = 64 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating log directory %s: %w", dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	b := &Bus{
		dir:       dir,
		opts:      opts,
		lock:      lock,
		closing:   make(chan struct{}),
		topics:    make(map[string]*topic),
		consumers: make(map[consumerKey]bool),
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.abort()
		return nil, fmt.Errorf("listing topics in %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() || !validName(e.Name()) {
			continue
		}
		t, err := openTopic(dir, e.Name(), opts)
		if err != nil {
			b.abort()
			return nil, fmt.Errorf("opening topic %s: %w", e.Name(), err)
		}
		b.topics[e.Name()] = t
	}
	return b, nil
}

// abort releases what a failed Open acquired.
func (b *Bus) abort() {
	for _, t := range b.topics {
		_ = t.close()
	}
	_ = b.lock.Close()
}

// Close waits for queued produce requests to be written, fsyncs and closes
// every segment and releases the directory. Blocked Fetch calls return
// bus.ErrClosed. Close is idempotent.
func (b *Bus) Close() error {
	b.closeMu.Lock()
	if b.closed {
		b.closeMu.Unlock()
		return nil
	}
	b.closed = true
	close(b.closing)
	b.closeMu.Unlock()

	b.mu.Lock()
	topics := b.topicList()
	b.mu.Unlock()
	var errs []error
	for _, t := range topics {
		errs = append(errs, t.close())
	}
	if err := b.lock.Close(); err != nil {
		errs = append(errs, fmt.Errorf("releasing lock on %s: %w", b.dir, err))
	}
	return errors.Join(errs...)
}

// topicList returns the open topics sorted by name; b.mu must be held.
func (b *Bus) topicList() []*topic {
	ts := make([]*topic, 0, len(b.topics))
	for _, t := range b.topics {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
	return ts
}

// topic returns the named topic, creating it on first use. The caller must
// hold closeMu shared and have checked closed.
func (b *Bus) topic(name string) (*topic, error) {
	if !validName(name) {
		return nil, fmt.Errorf("invalid topic name %q: use 1-249 of [A-Za-z0-9._-]", name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.topics[name]; ok {
		return t, nil
	}
	t, err := openTopic(b.dir, name, b.opts)
	if err != nil {
		return nil, fmt.Errorf("creating topic %s: %w", name, err)
	}
	b.topics[name] = t
	return t, nil
}

// EnsureTopics creates the topics that do not exist yet.
func (b *Bus) EnsureTopics(ctx context.Context, topics ...string) error {
	b.closeMu.RLock()
	defer b.closeMu.RUnlock()
	if b.closed {
		return bus.ErrClosed
	}
	for _, name := range topics {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := b.topic(name); err != nil {
			return err
		}
	}
	return nil
}

// Produce appends msgs to their topics, creating topics on first use, and
// returns once they are written (and fsynced with Options.Sync). Partition
// and Offset of msgs are ignored; a zero Time is set to now. The messages of
// one topic in one call keep their order and get consecutive offsets. On
// error, some of the messages may nevertheless have been written.
func (b *Bus) Produce(ctx context.Context, msgs ...bus.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now().UnixNano()
	// Encode outside the writer so that the caller's buffers are not read
	// after Produce returns, and so that producers checksum in parallel.
	var order []string
	data := make(map[string][]byte, 1)
	for i := range msgs {
		m := &msgs[i]
		if len(m.Key)+len(m.Value) > MaxMessageBytes {
			return fmt.Errorf("producing to topic %s: message of %d bytes exceeds %d",
				m.Topic, len(m.Key)+len(m.Value), MaxMessageBytes)
		}
		ts := now
		if !m.Time.IsZero() {
			ts = m.Time.UnixNano()
		}
		d, ok := data[m.Topic]
		if !ok {
			order = append(order, m.Topic)
			d = make([]byte, 0, len(msgs)*framedSize(m.Key, m.Value))
		}
		data[m.Topic] = appendRecord(d, ts, m.Key, m.Value)
	}

	reqs, err := b.enqueue(ctx, order, data)
	if err != nil {
		return err
	}
	var errs []error
	for i, r := range reqs {
		select {
		case err := <-r.done:
			if err != nil {
				errs = append(errs, fmt.Errorf("producing to topic %s: %w", order[i], err))
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}

// enqueue hands one request per topic to the topics' writers.
func (b *Bus) enqueue(ctx context.Context, order []string, data map[string][]byte) ([]*produceReq, error) {
	b.closeMu.RLock()
	defer b.closeMu.RUnlock()
	if b.closed {
		return nil, bus.ErrClosed
	}
	reqs := make([]*produceReq, 0, len(order))
	for _, name := range order {
		t, err := b.topic(name)
		if err != nil {
			return nil, fmt.Errorf("producing to topic %s: %w", name, err)
		}
		r := &produceReq{data: data[name], done: make(chan error, 1)}
		select {
		case t.reqs <- r:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// Consumer joins group on topic, creating the topic if needed, and resumes
// after the group's last commit (from the start of the log if it has none).
// Only one Consumer per group and topic may be open in the process.
func (b *Bus) Consumer(ctx context.Context, group, topicName string) (bus.Consumer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validName(group) {
		return nil, fmt.Errorf("invalid group name %q: use 1-249 of [A-Za-z0-9._-]", group)
	}
	b.closeMu.RLock()
	defer b.closeMu.RUnlock()
	if b.closed {
		return nil, bus.ErrClosed
	}
	t, err := b.topic(topicName)
	if err != nil {
		return nil, err
	}
	key := consumerKey{group, topicName}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.consumers[key] {
		return nil, fmt.Errorf("joining group %s on topic %s: the group already has a consumer on this topic in this process", group, topicName)
	}
	b.consumers[key] = true
	return newConsumer(b, t, group), nil
}

// release forgets the consumer of group on topic.
func (b *Bus) release(group, topic string) {
	b.mu.Lock()
	delete(b.consumers, consumerKey{group, topic})
	b.mu.Unlock()
}

// Trim deletes, per topic, whole segments all of whose records are below
// the committed offset of every group that has ever committed on the topic.
// The active segment is always kept, and a topic no group has committed on
// is left alone. A group that only ever consumed without committing does
// not hold back trimming; when its position has been trimmed it resumes at
// the start of the log. A group that is gone for good holds trimming back
// forever: delete its dir/<topic>/groups/<group>.offset while the bus is
// closed to release it.
func (b *Bus) Trim(ctx context.Context) error {
	b.closeMu.RLock()
	defer b.closeMu.RUnlock()
	if b.closed {
		return bus.ErrClosed
	}
	b.mu.Lock()
	topics := b.topicList()
	b.mu.Unlock()
	for _, t := range topics {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.trim(); err != nil {
			return err
		}
	}
	return nil
}
