package kafkasrc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

var (
	_ collect.Source = (*Source)(nil)
	_ collect.Closer = (*Source)(nil)
)

// ErrClosed is returned by Read and Ack once the Source is closed.
var ErrClosed = errors.New("kafka source closed")

// Limits and timing of a Read, copied into each Source.
const (
	// maxBatch is the most messages one Read returns.
	maxBatch = 500
	// idleWait is how long Read waits for a first message before it
	// returns an empty batch.
	idleWait = time.Second
	// batchWait is how long Read keeps fetching after the first message.
	batchWait = time.Second
	// probeEvery is how long the source may go without hearing from the
	// brokers (a message or a metadata probe) before an idle Read probes
	// them, so that unreachable brokers or a missing topic become an error.
	probeEvery = 10 * time.Second
	// probeTimeout bounds one probe.
	probeTimeout = 5 * time.Second
)

// Source reads one topic as a member of a consumer group. Read and Close
// may be called from different goroutines; Reads must not overlap.
type Source struct {
	name, topic, group string
	brokers            []string
	origin             ingest.Origin
	lim                ingest.Limits
	now                func() time.Time
	log                *slog.Logger

	cfg       kafka.ReaderConfig
	client    *kafka.Client
	transport *kafka.Transport
	closed    atomic.Bool
	closeOnce sync.Once
	closing   sync.WaitGroup // readers being dropped

	maxBatch                       int
	idleWait, batchWait, probeWait time.Duration
	lastContact                    time.Time // only touched by Read

	mu sync.Mutex
	// r is the group reader, made by the first Read and dropped (leaving
	// the group) when the brokers or the topic fail, so that kafka-go does
	// not retry in the background between the runner's retries.
	r *kafka.Reader
	// unacked are the messages handed out by Reads and not acknowledged
	// yet; the next Read returns them again.
	unacked []kafka.Message
	// commit is, per partition, the highest acknowledged offset that is
	// not committed yet (an Ack whose commit failed); committed the
	// highest committed one. Commits never move backwards.
	commit, committed map[int]int64
}

// New returns the Source of src, a kafka source (src.Brokers and src.Topic
// set). It reads in consumer group src.Group, or "yuqing-source-" +
// src.Name; a group without committed offsets starts at the topic's
// oldest retained message, so a new source first reads the topic's whole
// retained history. Records are parsed with lim and stamped with now
// (nil means time.Now); Kind defaults to post. New does not connect: the
// first Read joins the group. log nil means slog.Default().
func New(src configs.Source, lim ingest.Limits, now func() time.Time, log *slog.Logger) (*Source, error) {
	if len(src.Brokers) == 0 {
		return nil, errors.New("brokers: at least one broker is needed")
	}
	if src.Topic == "" {
		return nil, errors.New("topic: must be set")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	group := src.Group
	if group == "" {
		group = "yuqing-source-" + src.Name
	}
	kind := src.Kind
	if kind == "" {
		kind = ingest.KindPost
	}
	log = log.With("source", src.Name, "topic", src.Topic, "group", group)
	cfg := readerConfig(src.Brokers, src.Topic, group, log)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuring reader of topic %s: %w", src.Topic, err)
	}
	transport := &kafka.Transport{ClientID: "yuqing", DialTimeout: probeTimeout}
	return &Source{
		name:    src.Name,
		topic:   src.Topic,
		group:   group,
		brokers: src.Brokers,
		origin: ingest.Origin{Source: src.Name, Kind: kind, Region: src.Region,
			Labels: src.Labels, Mapping: src.Mapping},
		lim:       lim,
		now:       now,
		log:       log,
		cfg:       cfg,
		transport: transport,
		client: &kafka.Client{Addr: kafka.TCP(src.Brokers...), Transport: transport,
			Timeout: probeTimeout},
		maxBatch:  maxBatch,
		idleWait:  idleWait,
		batchWait: batchWait,
		probeWait: probeEvery,
		commit:    map[int]int64{},
		committed: map[int]int64{},
	}, nil
}

// readerConfig is the group reader: explicit synchronous commits, the
// oldest offset for a new group, and short group timeouts so that a
// restarted collector takes the partitions over within seconds.
func readerConfig(brokers []string, topic, group string, log *slog.Logger) kafka.ReaderConfig {
	return kafka.ReaderConfig{
		Brokers: brokers,
		GroupID: group,
		Topic:   topic,
		Dialer: &kafka.Dialer{
			ClientID:  "yuqing",
			Timeout:   probeTimeout,
			DualStack: true,
		},
		MinBytes:              1,
		MaxBytes:              10 << 20,
		MaxWait:               250 * time.Millisecond,
		CommitInterval:        0, // CommitMessages commits synchronously
		StartOffset:           kafka.FirstOffset,
		WatchPartitionChanges: true,
		HeartbeatInterval:     time.Second,
		SessionTimeout:        10 * time.Second,
		RebalanceTimeout:      5 * time.Second,
		JoinGroupBackoff:      200 * time.Millisecond,
		ReadBackoffMin:        50 * time.Millisecond,
		ReadBackoffMax:        500 * time.Millisecond,
		Logger:                debugLogger(log),
		ErrorLogger:           &throttled{log: log, every: 10 * time.Second},
	}
}

// debugLogger adapts a slog.Logger to kafka-go's chatty info logging.
func debugLogger(l *slog.Logger) kafka.Logger {
	return kafka.LoggerFunc(func(msg string, args ...any) {
		if l.Enabled(context.Background(), slog.LevelDebug) {
			l.Debug(strings.TrimSpace(fmt.Sprintf(msg, args...)))
		}
	})
}

// throttled is kafka-go's error logger: it logs at warn level at most once
// per every, counting the messages it drops, as kafka-go repeats an error
// on every retry (thousands a second for a missing topic).
type throttled struct {
	log     *slog.Logger
	every   time.Duration
	mu      sync.Mutex
	last    time.Time
	dropped int
}

func (t *throttled) Printf(msg string, args ...any) {
	t.mu.Lock()
	now := time.Now()
	if !t.last.IsZero() && now.Sub(t.last) < t.every {
		t.dropped++
		t.mu.Unlock()
		return
	}
	dropped := t.dropped
	t.last, t.dropped = now, 0
	t.mu.Unlock()
	t.log.Warn(strings.TrimSpace(fmt.Sprintf(msg, args...)), "similar_dropped", dropped)
}

// reader returns the group reader. It makes one, when there is none, only
// once a probe found the brokers and the topic: kafka-go retries a missing
// topic in a tight loop (in which its reader also races with itself).
func (s *Source) reader(ctx context.Context) (*kafka.Reader, error) {
	s.mu.Lock()
	r, closed := s.r, s.closed.Load()
	s.mu.Unlock()
	switch {
	case closed:
		return nil, ErrClosed
	case r != nil:
		return r, nil
	}
	if err := s.probe(ctx); err != nil {
		return nil, err
	}
	s.lastContact = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if s.r == nil {
		s.r = kafka.NewReader(s.cfg)
	}
	return s.r, nil
}

// dropReader closes the reader after an error, in the background (a dial
// in progress may hold it for the dial timeout; Close waits for it). The
// next Read makes a new reader, which rejoins the group at its committed
// offsets.
func (s *Source) dropReader() {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.r
	if r == nil {
		return
	}
	s.r = nil
	// Added under mu, so never after Close began waiting.
	s.closing.Go(func() {
		if err := r.Close(); err != nil {
			s.log.Warn("closing the reader after an error", "err", err)
		}
	})
}

// Close leaves the consumer group, so that another member takes the
// partitions over at once. Messages read but not acknowledged (or whose
// commit failed) are not committed: the group's next member reads them
// again. A Read blocked in Close's time returns ErrClosed, as do Read and
// Ack afterwards. Close is idempotent.
func (s *Source) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed.Store(true)
		r := s.r
		s.r = nil
		s.mu.Unlock()
		if r != nil {
			if cerr := r.Close(); cerr != nil {
				err = fmt.Errorf("leaving group %s on topic %s: %w", s.group, s.topic, cerr)
			}
		}
		s.closing.Wait()
		s.transport.CloseIdleConnections()
	})
	return err
}

// where names the topic, brokers and group for error messages.
func (s *Source) where() string {
	return fmt.Sprintf("topic %s on brokers %s (group %s)", s.topic, strings.Join(s.brokers, ","), s.group)
}
