package kafkabus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"

	"github.com/yuqing-dev/yuqing/bus"
)

var _ bus.Bus = (*Bus)(nil)

// Config configures a Bus. Only Brokers is required.
type Config struct {
	// Brokers are bootstrap broker addresses, host:port.
	Brokers []string
	// ClientID identifies this process to the brokers.
	ClientID string
	// Partitions is the partition count of topics EnsureTopics creates;
	// default 6.
	Partitions int
	// ReplicationFactor of topics EnsureTopics creates; default 1.
	ReplicationFactor int
	// BatchTimeout is how long the producer waits to fill a batch per
	// partition before sending it; default 2ms. Produce latency is at least
	// this long unless BatchSize messages are queued.
	BatchTimeout time.Duration
	// BatchSize is the number of messages per partition batch; default 100.
	BatchSize int
	// Logger receives kafka-go's logs (info as debug, errors as warn); nil
	// means slog.Default().
	Logger *slog.Logger
	// TLS, when set, encrypts every connection to the brokers.
	TLS *tls.Config
	// SASL, when set, authenticates every connection.
	SASL *SASLConfig
}

const (
	// metadataTTL bounds how stale the producer's view of the topics is,
	// and so how long EnsureTopics waits for a topic another process made.
	metadataTTL = 2 * time.Second
	// ensureTimeout bounds how long EnsureTopics waits for new topics to
	// show in metadata when ctx has no earlier deadline.
	ensureTimeout = 30 * time.Second
)

// Bus is bus.Bus on Kafka. It is safe for concurrent use.
type Bus struct {
	mech      sasl.Mechanism // nil: no SASL
	cfg       Config
	log       *slog.Logger
	addr      net.Addr
	transport *kafka.Transport
	writer    *kafka.Writer
	client    *kafka.Client

	mu     sync.RWMutex
	closed bool
}

// New returns a Bus for the cluster at cfg.Brokers. It does not connect:
// the first Produce, EnsureTopics or Fetch does.
func New(cfg Config) (*Bus, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("creating kafka bus: no brokers configured")
	}
	if cfg.Partitions <= 0 {
		cfg.Partitions = 6
	}
	if cfg.ReplicationFactor <= 0 {
		cfg.ReplicationFactor = 1
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 2 * time.Millisecond
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	log := cfg.Logger.With("component", "kafkabus")
	tlsCfg, mech, err := security(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating kafka bus: %w", err)
	}
	addr := kafka.TCP(cfg.Brokers...)
	transport := &kafka.Transport{
		ClientID:    cfg.ClientID,
		DialTimeout: 10 * time.Second,
		MetadataTTL: metadataTTL,
		TLS:         tlsCfg,
		SASL:        mech,
	}
	b := &Bus{
		mech:      mech,
		cfg:       cfg,
		log:       log,
		addr:      addr,
		transport: transport,
		client:    &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second},
		writer: &kafka.Writer{
			Addr:         addr,
			Balancer:     &kafka.Hash{},
			RequiredAcks: kafka.RequireAll,
			Async:        false,
			BatchTimeout: cfg.BatchTimeout,
			BatchSize:    cfg.BatchSize,
			Transport:    transport,
			Logger:       debugLogger(log),
			ErrorLogger:  warnLogger(log),
		},
	}
	return b, nil
}

// debugLogger adapts a slog.Logger to kafka-go's chatty info logging.
func debugLogger(l *slog.Logger) kafka.Logger {
	return kafka.LoggerFunc(func(msg string, args ...any) {
		if l.Enabled(context.Background(), slog.LevelDebug) {
			l.Debug(fmt.Sprintf(msg, args...))
		}
	})
}

// warnLogger adapts a slog.Logger to kafka-go's error logging.
func warnLogger(l *slog.Logger) kafka.Logger {
	return kafka.LoggerFunc(func(msg string, args ...any) { l.Warn(fmt.Sprintf(msg, args...)) })
}

func (b *Bus) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}

// Produce writes msgs and returns once all in-sync replicas acknowledged
// them. Messages go to the partition their Key hashes to; Partition and
// Offset are ignored, a zero Time becomes now. The topics must exist (see
// EnsureTopics). On error, some of the messages may have been written.
func (b *Bus) Produce(ctx context.Context, msgs ...bus.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.isClosed() {
		return bus.ErrClosed
	}
	if len(msgs) == 0 {
		return nil
	}
	km := make([]kafka.Message, len(msgs))
	for i, m := range msgs {
		km[i] = kafka.Message{Topic: m.Topic, Key: m.Key, Value: m.Value, Time: m.Time, Headers: schemaHeader}
	}
	err := b.writer.WriteMessages(ctx, km...)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, io.ErrClosedPipe) {
		return bus.ErrClosed
	}
	return fmt.Errorf("producing to %s: %w", topicsOf(msgs), summarize(err))
}

// SchemaHeader is the Kafka header carrying a record's schema version.
const SchemaHeader = "yuqing-schema"

var schemaHeader = []kafka.Header{{Key: SchemaHeader, Value: []byte(strconv.Itoa(bus.SchemaVersion))}}

// schemaOf reads a record's schema version (0 when it has none).
func schemaOf(hs []kafka.Header) int {
	for _, h := range hs {
		if h.Key == SchemaHeader {
			v, err := strconv.Atoi(string(h.Value))
			if err != nil || v < 1 {
				return math.MaxInt // unreadable: newer than anything we know
			}
			return v
		}
	}
	return 0
}

// topicsOf names the topics of msgs for error messages.
func topicsOf(msgs []bus.Message) string {
	seen := map[string]bool{}
	var names []string
	for _, m := range msgs {
		if !seen[m.Topic] {
			seen[m.Topic] = true
			names = append(names, m.Topic)
		}
	}
	sort.Strings(names)
	if len(names) == 1 {
		return "topic " + names[0]
	}
	return fmt.Sprintf("topics %v", names)
}

// summarize turns kafka.WriteErrors, one entry per message, into an error
// stating how many messages failed and why, keeping the first cause
// reachable by errors.Is.
func summarize(err error) error {
	var werrs kafka.WriteErrors
	if !errors.As(err, &werrs) {
		return err
	}
	var first error
	for _, e := range werrs {
		if e != nil && first == nil {
			first = e
		}
	}
	if first == nil {
		return err
	}
	return fmt.Errorf("%d of %d messages failed: %w", werrs.Count(), len(werrs), first)
}

// EnsureTopics creates the topics that do not exist yet, with the configured
// partitions and replication factor, and waits until the producer's
// metadata shows every one of them. Existing topics are left as they are.
func (b *Bus) EnsureTopics(ctx context.Context, topics ...string) error {
	if b.isClosed() {
		return bus.ErrClosed
	}
	if len(topics) == 0 {
		return nil
	}
	req := &kafka.CreateTopicsRequest{Addr: b.addr}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{
			Topic:             t,
			NumPartitions:     b.cfg.Partitions,
			ReplicationFactor: b.cfg.ReplicationFactor,
		})
	}
	resp, err := b.client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("creating topics %v: %w", topics, err)
	}
	var errs []error
	for _, t := range topics {
		if terr := resp.Errors[t]; terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("creating topic %s: %w", t, terr))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return b.awaitTopics(ctx, topics)
}

// awaitTopics polls the transport's metadata, which the producer uses,
// until every topic has partitions.
func (b *Bus) awaitTopics(ctx context.Context, topics []string) error {
	ctx, cancel := context.WithTimeout(ctx, ensureTimeout)
	defer cancel()
	backoff := 20 * time.Millisecond
	for {
		missing, err := b.missingTopics(ctx, topics)
		if err == nil && len(missing) == 0 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("not yet in metadata: %v", missing)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for topics %v: %w (last: %v)", topics, ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

func (b *Bus) missingTopics(ctx context.Context, topics []string) ([]string, error) {
	md, err := b.client.Metadata(ctx, &kafka.MetadataRequest{Addr: b.addr, Topics: topics})
	if err != nil {
		return nil, err
	}
	ok := make(map[string]bool, len(md.Topics))
	for _, t := range md.Topics {
		if t.Error == nil && len(t.Partitions) > 0 {
			ok[t.Name] = true
		}
	}
	var missing []string
	for _, t := range topics {
		if !ok[t] {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

// Close flushes and closes the producer. Consumers must be closed first;
// Produce afterwards returns bus.ErrClosed. Close is idempotent.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	err := b.writer.Close()
	b.transport.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("closing kafka producer: %w", err)
	}
	return nil
}
