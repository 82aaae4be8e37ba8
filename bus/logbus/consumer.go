package logbus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
)

// readChunk is the minimum number of bytes a consumer reads from a segment
// at a time.
const readChunk = 128 << 10

// Consumer reads one topic for one group. Fetch and Commit are used by one
// goroutine; Close may be called from any goroutine and unblocks Fetch.
type Consumer struct {
	b     *Bus
	t     *topic
	group string

	closeOnce sync.Once
	closed    chan struct{}

	// mu guards the read position against a concurrent Close.
	mu       sync.Mutex
	isClosed bool
	pos      int64    // offset of the next message to return
	seg      *segment // segment holding pos; nil until the first read
	f        *os.File
	rr       *recordReader
}

var _ bus.Consumer = (*Consumer)(nil)

func newConsumer(b *Bus, t *topic, group string) *Consumer {
	return &Consumer{b: b, t: t, group: group, closed: make(chan struct{}), pos: t.committed(group)}
}

// Fetch blocks until a message after the last one fetched is available, then
// returns up to max messages, waiting at most wait after the first one for
// more. It returns ctx.Err() when ctx is done before any message, and
// bus.ErrClosed once the consumer or the bus is closed. A record that fails
// verification is an error naming the segment file and byte position.
func (c *Consumer) Fetch(ctx context.Context, max int, wait time.Duration) ([]bus.Message, error) {
	if max <= 0 {
		return nil, fmt.Errorf("fetching from topic %s: max must be positive, got %d", c.t.name, max)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		out   []bus.Message
		timer *time.Timer
		tc    <-chan time.Time
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-c.closed:
			return nil, bus.ErrClosed
		case <-c.b.closing:
			return nil, bus.ErrClosed
		default:
		}
		// Watch before reading: a publish after this point closes notify,
		// so a wait below cannot miss it.
		notify := c.t.watch()
		var err error
		out, err = c.read(out, max)
		if err != nil {
			if len(out) > 0 && !errors.Is(err, bus.ErrClosed) {
				// Deliver what precedes the bad record; the position stays
				// on it, so the next Fetch reports the error.
				return out, nil
			}
			return nil, err
		}
		if len(out) >= max {
			return out, nil
		}
		if len(out) > 0 && timer == nil {
			if wait <= 0 {
				return out, nil
			}
			timer = time.NewTimer(wait)
			tc = timer.C
		}
		select {
		case <-notify:
		case <-tc:
			return out, nil
		case <-ctx.Done():
			if len(out) > 0 {
				return out, nil
			}
			return nil, ctx.Err()
		case <-c.closed:
			return nil, bus.ErrClosed
		case <-c.b.closing:
			return nil, bus.ErrClosed
		}
	}
}

// read appends to out the published messages from the current position,
// until out holds max messages or the end of the log is reached.
func (c *Consumer) read(out []bus.Message, max int) ([]bus.Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isClosed {
		return nil, bus.ErrClosed
	}
	for len(out) < max {
		if c.seg == nil {
			if err := c.open(); err != nil {
				return out, err
			}
		}
		size, next, following := c.t.bounds(c.seg)
		if c.pos >= next {
			if following == nil {
				return out, nil
			}
			if following.base != c.pos {
				return out, fmt.Errorf("reading topic %s: segment %s ends at offset %d but the next segment %s starts at %d",
					c.t.name, c.seg.path, c.pos, following.path, following.base)
			}
			c.closeFile()
			c.seg = following
			if err := c.openFile(); err != nil {
				c.seg = nil
				return out, err
			}
			continue
		}
		c.rr.limit = size
		for len(out) < max && c.pos < next {
			rec, at, err := c.rr.next()
			if err == nil && rec.offset != c.pos {
				err = &corruptError{fmt.Sprintf("offset %d, expected %d", rec.offset, c.pos)}
			}
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("segment ends before offset %d: %w", c.pos, errTorn)
			}
			if err != nil {
				return out, fmt.Errorf("reading topic %s: %s at byte %d: %w", c.t.name, c.seg.path, at, err)
			}
			out = append(out, bus.Message{
				Topic:  c.t.name,
				Offset: rec.offset,
				Key:    clone(rec.key),
				Value:  clone(rec.value),
				Time:   time.Unix(0, rec.time),
			})
			c.pos++
		}
	}
	return out, nil
}

// open positions the consumer at c.pos, which moves to the start of the log
// if it was trimmed.
func (c *Consumer) open() error {
	for attempt := 0; ; attempt++ {
		seg, pos := c.t.locate(c.pos)
		if pos != c.pos {
			c.t.log.Warn("logbus: position was trimmed, resuming at start of log",
				"group", c.group, "position", c.pos, "log_start", pos)
			c.pos = pos
		}
		c.seg = seg
		err := c.openFile()
		if errors.Is(err, os.ErrNotExist) && attempt < 3 {
			continue // trimmed between locate and open
		}
		if err != nil {
			c.seg = nil
			return err
		}
		if err := c.rr.skipTo(seg.base, c.pos); err != nil {
			c.closeFile()
			c.seg = nil
			return fmt.Errorf("reading topic %s: %w", c.t.name, err)
		}
		return nil
	}
}

// openFile opens c.seg for reading from its start.
func (c *Consumer) openFile() error {
	f, err := os.Open(c.seg.path)
	if err != nil {
		return fmt.Errorf("reading topic %s: opening segment: %w", c.t.name, err)
	}
	size, _, _ := c.t.bounds(c.seg)
	c.f = f
	c.rr = newRecordReader(f, readChunk)
	c.rr.limit = size
	return nil
}

func (c *Consumer) closeFile() {
	if c.f != nil {
		_ = c.f.Close()
		c.f, c.rr = nil, nil
	}
}

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// Commit durably records that msgs and everything before them are
// processed: the group's committed offset becomes the highest offset in msgs
// plus one, unless that is not beyond the current commit, in which case
// Commit does nothing. msgs must come from this consumer's topic.
func (c *Consumer) Commit(ctx context.Context, msgs ...bus.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-c.closed:
		return bus.ErrClosed
	default:
	}
	if len(msgs) == 0 {
		return nil
	}
	hi := int64(-1)
	for _, m := range msgs {
		if m.Topic != c.t.name {
			return fmt.Errorf("committing group %s on topic %s: message is from topic %q", c.group, c.t.name, m.Topic)
		}
		hi = max(hi, m.Offset)
	}
	c.b.closeMu.RLock()
	defer c.b.closeMu.RUnlock()
	if c.b.closed {
		return bus.ErrClosed
	}
	return c.t.commit(c.group, hi+1)
}

// Lag is the end offset of the topic minus the group's committed offset.
func (c *Consumer) Lag() int64 { return c.t.lag(c.group) }

// Close releases the consumer; a blocked Fetch returns bus.ErrClosed.
// Messages fetched but not committed are delivered again to the group's
// next consumer.
func (c *Consumer) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.mu.Lock()
		c.isClosed = true
		c.closeFile()
		c.mu.Unlock()
		c.b.release(c.group, c.t.name)
	})
	return nil
}
