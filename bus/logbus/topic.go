package logbus

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// maxBatchBytes is roughly how many bytes of queued produce requests the
// writer coalesces into one write and one fsync.
const maxBatchBytes = 4 << 20

// maxLinger bounds how long the writer waits for producers to queue more
// requests before it writes and fsyncs a batch.
const maxLinger = 50 * time.Microsecond

// topic is one topic's log: its segments, committed offsets and writer
// goroutine.
type topic struct {
	name      string
	dir       string
	groupsDir string
	opts      Options
	log       *slog.Logger

	reqs chan *produceReq // queued produce requests, served by run
	quit chan struct{}    // closed by Bus.Close
	done chan struct{}    // closed when run has returned

	commitMu sync.Mutex // serialises offset file writes

	mu      sync.Mutex
	segs    []*segment       // oldest first; the last one is active
	next    int64            // offset the next record will get (end offset)
	notify  chan struct{}    // closed and replaced on every publish
	commits map[string]int64 // group -> committed next offset
	failed  error            // sticky error after an unrecoverable write failure

	w writer // owned by run
}

// writer is the state of the writer goroutine.
type writer struct {
	f     *os.File // active segment, opened for appending
	seg   *segment
	size  int64 // bytes written to the active segment
	next  int64 // next offset to assign
	buf   []byte
	batch []*produceReq
	// lastBatch is the number of requests in the previous batch, the
	// writer's estimate of how many producers are active.
	lastBatch int
}

// produceReq is a run of encoded records for one topic, their offsets not
// yet assigned. done receives exactly one value.
type produceReq struct {
	data []byte
	done chan error
}

// openTopic opens, creating it if needed, the topic name under root,
// recovers its last segment and starts its writer.
func openTopic(root, name string, opts Options) (*topic, error) {
	t := &topic{
		name:   name,
		dir:    filepath.Join(root, name),
		opts:   opts,
		log:    opts.Logger.With("topic", name),
		reqs:   make(chan *produceReq, 1024),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
		notify: make(chan struct{}),
	}
	t.groupsDir = filepath.Join(t.dir, "groups")
	_, statErr := os.Stat(t.dir)
	if err := os.MkdirAll(t.groupsDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating topic directory %s: %w", t.dir, err)
	}
	if os.IsNotExist(statErr) {
		if err := syncDir(root); err != nil {
			return nil, err
		}
	}
	segs, err := listSegments(t.dir)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		s := &segment{path: filepath.Join(t.dir, segmentName(0))}
		f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, fmt.Errorf("creating first segment of topic %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("creating first segment of topic %s: %w", name, err)
		}
		if err := syncDir(t.dir); err != nil {
			return nil, err
		}
		segs = []*segment{s}
	}
	last := segs[len(segs)-1]
	if err := recoverSegment(t.log, name, last); err != nil {
		return nil, err
	}
	t.segs, t.next = segs, last.next
	if t.commits, err = loadOffsets(t.groupsDir); err != nil {
		return nil, err
	}
	for g, off := range t.commits {
		if off > t.next {
			// Only possible when records were lost without Sync; resume at
			// the end so that records produced from now on are delivered.
			t.log.Warn("logbus: committed offset beyond end of log, resuming at end",
				"group", g, "committed", off, "end", t.next)
			t.commits[g] = t.next
		}
	}
	f, err := os.OpenFile(last.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("opening active segment %s: %w", last.path, err)
	}
	t.w = writer{f: f, seg: last, size: last.size, next: last.next}
	go t.run()
	return t, nil
}

// run is the writer goroutine: it serves queued requests in batches until
// quit is closed, then serves what is still queued and returns.
func (t *topic) run() {
	defer close(t.done)
	for {
		select {
		case r := <-t.reqs:
			t.writeBatch(t.collect(r))
		case <-t.quit:
			for {
				select {
				case r := <-t.reqs:
					t.writeBatch(t.collect(r))
				default:
					return
				}
			}
		}
	}
}

// collect gathers the requests queued behind first. With Sync, when the
// queue runs dry before the batch is as large as the previous one, it
// yields the processor for a few microseconds: the producers that the
// previous batch's reply woke are about to queue again, and one fsync for
// all of them beats one each.
func (t *topic) collect(first *produceReq) []*produceReq {
	batch := append(t.w.batch[:0], first)
	n := len(first.data)
	var deadline time.Time
	for n < maxBatchBytes {
		select {
		case r := <-t.reqs:
			batch = append(batch, r)
			n += len(r.data)
			continue
		default:
		}
		if !t.opts.Sync || len(batch) >= t.w.lastBatch {
			break
		}
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(maxLinger)
		} else if now.After(deadline) {
			break
		}
		runtime.Gosched()
	}
	t.w.lastBatch = len(batch)
	return batch
}

// writeBatch appends a batch and answers every request in it.
func (t *topic) writeBatch(batch []*produceReq) {
	err := t.append(batch)
	for _, r := range batch {
		r.done <- err
	}
	clear(batch)
	t.w.batch = batch[:0]
	if cap(t.w.buf) > 4*maxBatchBytes {
		t.w.buf = nil
	}
}

// append assigns offsets to the records of batch and writes them, rolling
// to a new segment when the active one is full. On error, records written
// before the failing write stay published.
func (t *topic) append(batch []*produceReq) error {
	if err := t.failure(); err != nil {
		return err
	}
	w := &t.w
	w.buf = w.buf[:0]
	next := w.next
	for _, r := range batch {
		for p := 0; p < len(r.data); {
			n := recordSize(r.data[p:])
			if pending := w.size + int64(len(w.buf)); pending >= t.opts.SegmentBytes && pending > 0 {
				if err := t.flush(next); err != nil {
					return err
				}
				if err := t.roll(); err != nil {
					return err
				}
			}
			setOffset(r.data[p:], next)
			w.buf = append(w.buf, r.data[p:p+n]...)
			next++
			p += n
		}
	}
	return t.flush(next)
}

// flush writes the buffered records, fsyncs them when opts.Sync and
// publishes them to consumers; next is the offset after the last of them.
func (t *topic) flush(next int64) error {
	w := &t.w
	if len(w.buf) == 0 {
		return nil
	}
	defer func() { w.buf = w.buf[:0] }()
	if _, err := w.f.Write(w.buf); err != nil {
		err = fmt.Errorf("appending to topic %s segment %s: %w", t.name, w.seg.path, err)
		if terr := w.f.Truncate(w.size); terr != nil {
			t.fail(errors.Join(err, fmt.Errorf("undoing partial append: %w", terr)))
		}
		return err
	}
	if t.opts.Sync {
		if err := w.f.Sync(); err != nil {
			// After a failed fsync the state of the written pages is
			// unknown; only a reopen, which rescans the tail, is safe.
			err = fmt.Errorf("syncing topic %s segment %s: %w", t.name, w.seg.path, err)
			t.fail(err)
			return err
		}
	}
	w.size += int64(len(w.buf))
	w.next = next
	t.publish(w.seg, w.size, w.next)
	return nil
}

// roll starts a new active segment at the next offset.
func (t *topic) roll() error {
	w := &t.w
	s := &segment{base: w.next, path: filepath.Join(t.dir, segmentName(w.next)), next: w.next}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("rolling topic %s to a new segment: %w", t.name, err)
	}
	if t.opts.Sync {
		if err := syncDir(t.dir); err != nil {
			f.Close()
			os.Remove(s.path)
			return fmt.Errorf("rolling topic %s to a new segment: %w", t.name, err)
		}
	}
	old := w.f
	w.f, w.seg, w.size = f, s, 0
	t.mu.Lock()
	t.segs = append(t.segs, s)
	t.mu.Unlock()
	if err := old.Close(); err != nil {
		t.log.Warn("logbus: closing full segment", "segment", old.Name(), "err", err)
	}
	return nil
}

// publish makes records up to next in s visible and wakes waiting readers.
func (t *topic) publish(s *segment, size, next int64) {
	t.mu.Lock()
	s.size, s.next, t.next = size, next, next
	close(t.notify)
	t.notify = make(chan struct{})
	t.mu.Unlock()
}

// fail makes every later produce on t return err.
func (t *topic) fail(err error) {
	t.log.Error("logbus: topic unusable until reopened", "err", err)
	t.mu.Lock()
	if t.failed == nil {
		t.failed = fmt.Errorf("topic %s is unusable until the bus is reopened: %w", t.name, err)
	}
	t.mu.Unlock()
}

func (t *topic) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// close stops the writer after it has served every queued request, then
// fsyncs and closes the active segment.
func (t *topic) close() error {
	close(t.quit)
	<-t.done
	err := t.w.f.Sync()
	if cerr := t.w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("closing topic %s: %w", t.name, err)
	}
	return nil
}

// watch returns a channel that is closed when records are next published.
func (t *topic) watch() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.notify
}

// bounds returns the readable size and end offset of s and the segment
// after it (nil when s is the active segment).
func (t *topic) bounds(s *segment) (size, next int64, following *segment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i] == s {
			if i+1 < len(t.segs) {
				following = t.segs[i+1]
			}
			break
		}
	}
	return s.size, s.next, following
}

// locate returns the segment holding offset off, or the first segment and
// its base when off is below the start of the log (it was trimmed).
func (t *topic) locate(off int64) (*segment, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if off < t.segs[0].base {
		return t.segs[0], t.segs[0].base
	}
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].base <= off {
			return t.segs[i], off
		}
	}
	return t.segs[0], off // unreachable: segs[0].base <= off
}

// committed returns the committed offset of group, or the start of the log
// when the group has not committed.
func (t *topic) committed(group string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return max(t.commits[group], t.segs[0].base)
}

// lag is the end offset minus the committed offset of group.
func (t *topic) lag(group string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.next - max(t.commits[group], t.segs[0].base)
}
