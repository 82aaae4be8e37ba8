package kafkasrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

// Read returns the next batch: the messages handed out before and not
// acknowledged yet, then new ones, fetched until there are 500 or a second
// has passed since the first. With none for a second it returns an empty
// batch. cursor is ignored and the Batch's Cursor is nil (the group's
// committed offsets are the cursor); More is true unless ctx is done, as
// the topic is a stream.
//
// Every message value is parsed into Posts; a record that cannot be is a
// Reject whose Index is the message's position in the batch, whose Line is
// the record's line within the value, and whose Message starts with
// "partition P offset O:". Lim.MaxRecords applies to each value.
//
// The Batch's Ack commits its messages (and any whose earlier commit
// failed); nothing is committed before. Read also retries commits a
// failed Ack left.
//
// Read returns an error naming the topic and brokers when ctx ends before
// anything was fetched, when the reader fails, or when a metadata probe
// fails (brokers unreachable, topic missing). Probes are made before the
// group is joined and when the source has heard nothing from the brokers
// for a while. Read never blocks much past ctx. After Close it returns
// ErrClosed.
func (s *Source) Read(ctx context.Context, _ []byte) (collect.Batch, error) {
	if s.closed.Load() {
		return collect.Batch{}, ErrClosed
	}
	r, err := s.reader(ctx)
	if err != nil {
		return collect.Batch{}, err
	}
	s.retryCommit(ctx, r)
	msgs, err := s.fetch(ctx, r)
	if err != nil {
		return collect.Batch{}, err
	}
	b := s.parse(msgs)
	b.More = ctx.Err() == nil
	if len(msgs) > 0 {
		b.Ack = func(ctx context.Context) error { return s.ack(ctx, msgs) }
	}
	return b, nil
}

// fetch returns the unacknowledged messages followed by newly fetched ones.
func (s *Source) fetch(ctx context.Context, r *kafka.Reader) ([]kafka.Message, error) {
	s.mu.Lock()
	msgs := append([]kafka.Message(nil), s.unacked...)
	s.mu.Unlock()
	if len(msgs) == 0 {
		m, err := s.first(ctx, r)
		if err != nil || m == nil {
			return nil, err
		}
		msgs = append(msgs, *m)
	}
	seen := make(map[position]bool, len(msgs))
	for _, m := range msgs {
		seen[positionOf(m)] = true
	}
	wctx, cancel := context.WithTimeout(ctx, s.batchWait)
	defer cancel()
	for len(msgs) < s.maxBatch {
		// A FetchMessage that gives up on wctx leaves its message queued
		// in the reader for the next Read.
		m, err := r.FetchMessage(wctx)
		if err != nil {
			if wctx.Err() == nil {
				if err := s.fetchErr(ctx, err); errors.Is(err, ErrClosed) {
					return nil, err
				}
				s.log.Warn("fetching messages; returning those fetched so far", "err", err, "messages", len(msgs))
			}
			break
		}
		// A rebalance restarts the reader at the committed offsets, so an
		// unacknowledged message may be fetched a second time.
		if p := positionOf(m); !seen[p] {
			seen[p] = true
			msgs = append(msgs, m)
		}
	}
	s.lastContact = time.Now()
	s.mu.Lock()
	s.unacked = msgs
	s.mu.Unlock()
	return msgs, nil
}

// first waits up to idleWait for a message. Without one it returns nil,
// after probing the brokers when nothing was heard from them for
// probeWait. When the reader or the probe fails, the reader is dropped.
func (s *Source) first(ctx context.Context, r *kafka.Reader) (*kafka.Message, error) {
	wctx, cancel := context.WithTimeout(ctx, s.idleWait)
	defer cancel()
	m, err := r.FetchMessage(wctx)
	switch {
	case err == nil:
		return &m, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("waiting for messages from %s: %w", s.where(), ctx.Err())
	case wctx.Err() == nil:
		err = s.fetchErr(ctx, err)
		if !errors.Is(err, ErrClosed) {
			s.dropReader()
		}
		return nil, err
	case time.Since(s.lastContact) < s.probeWait:
		return nil, nil
	}
	if err := s.probe(ctx); err != nil {
		s.dropReader()
		return nil, err
	}
	s.lastContact = time.Now()
	return nil, nil
}

// probe asks the brokers for the topic's metadata without creating it.
func (s *Source) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	md, err := s.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{s.topic}})
	if err != nil {
		return fmt.Errorf("no messages and no answer from %s: %w", s.where(), err)
	}
	for _, t := range md.Topics {
		switch {
		case t.Name != s.topic:
		case t.Error != nil:
			return fmt.Errorf("reading %s: %w", s.where(), t.Error)
		case len(t.Partitions) > 0:
			return nil
		}
	}
	return fmt.Errorf("reading %s: the topic has no partitions", s.where())
}

// fetchErr maps a FetchMessage error that is not ctx's.
func (s *Source) fetchErr(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("fetching from %s: %w", s.where(), ctx.Err())
	case errors.Is(err, io.EOF) || s.closed.Load():
		return ErrClosed
	default:
		return fmt.Errorf("fetching from %s: %w", s.where(), err)
	}
}

// parse turns the messages' values into Posts and Rejects.
func (s *Source) parse(msgs []kafka.Message) collect.Batch {
	var b collect.Batch
	for i, m := range msgs {
		where := fmt.Sprintf("partition %d offset %d: ", m.Partition, m.Offset)
		if len(m.Value) == 0 {
			b.Rejects = append(b.Rejects, ingest.Reject{Index: i, Code: ingest.CodeBadJSON,
				Message: where + "the message has no value"})
			continue
		}
		pb := ingest.ParseFrom(m.Value, s.now(), s.lim, s.origin)
		b.Posts = append(b.Posts, pb.Posts...)
		for _, r := range pb.Rejects {
			r.Index = i
			r.Message = where + r.Message
			b.Rejects = append(b.Rejects, r)
		}
	}
	return b
}

// position identifies a message within the topic.
type position struct {
	partition int
	offset    int64
}

func positionOf(m kafka.Message) position { return position{m.Partition, m.Offset} }
