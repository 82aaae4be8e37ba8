package kafkasrc

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/segmentio/kafka-go"
)

// ack records msgs as acknowledged (the next Read does not return them
// again) and commits them with whatever an earlier failed Ack left. If the
// commit fails, the offsets are kept and committed by the next Read or Ack.
func (s *Source) ack(ctx context.Context, msgs []kafka.Message) error {
	if s.closed.Load() {
		return ErrClosed
	}
	s.mu.Lock()
	done := make(map[position]bool, len(msgs))
	for _, m := range msgs {
		done[positionOf(m)] = true
		if off, ok := s.commit[m.Partition]; !ok || m.Offset > off {
			s.commit[m.Partition] = m.Offset
		}
	}
	kept := s.unacked[:0:0]
	for _, m := range s.unacked {
		if !done[positionOf(m)] {
			kept = append(kept, m)
		}
	}
	s.unacked = kept
	r := s.r
	s.mu.Unlock()
	if r == nil {
		// The reader was dropped after an error; the next Read makes a
		// new one and commits.
		return fmt.Errorf("committing to %s: the reader is reconnecting; the next Read commits", s.where())
	}
	return s.commitPending(ctx, r)
}

// retryCommit commits what a failed Ack left, logging a failure (the next
// Ack tries again). It waits at most probeTimeout: a new reader's commit
// waits for the group join.
func (s *Source) retryCommit(ctx context.Context, r *kafka.Reader) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if err := s.commitPending(ctx, r); err != nil {
		s.log.Warn("retrying the commit of acknowledged messages", "err", err)
	}
}

// commitPending commits the acknowledged offsets not committed yet, never
// moving a partition's commit backwards.
func (s *Source) commitPending(ctx context.Context, r *kafka.Reader) error {
	s.mu.Lock()
	var todo []kafka.Message
	for part, off := range s.commit {
		if c, ok := s.committed[part]; ok && off <= c {
			delete(s.commit, part)
			continue
		}
		todo = append(todo, kafka.Message{Topic: s.topic, Partition: part, Offset: off})
	}
	s.mu.Unlock()
	if len(todo) == 0 {
		return nil
	}
	// CommitMessages commits offset+1 of each partition's message.
	if err := r.CommitMessages(ctx, todo...); err != nil {
		if errors.Is(err, io.ErrClosedPipe) || s.closed.Load() {
			return ErrClosed
		}
		return fmt.Errorf("committing %d partitions of %s: %w", len(todo), s.where(), err)
	}
	s.mu.Lock()
	for _, m := range todo {
		if c, ok := s.committed[m.Partition]; !ok || m.Offset > c {
			s.committed[m.Partition] = m.Offset
		}
		if off := s.commit[m.Partition]; off <= m.Offset {
			delete(s.commit, m.Partition)
		}
	}
	s.mu.Unlock()
	return nil
}
