package logbus

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const segmentSuffix = ".log"

// segment is one file of a topic's log. size and next of the active segment
// change as records are published; they are guarded by topic.mu.
type segment struct {
	base int64  // offset of its first record
	path string // file path
	size int64  // bytes readers may read
	next int64  // offset after its last record
}

func segmentName(base int64) string { return fmt.Sprintf("%020d%s", base, segmentSuffix) }

// parseSegmentName returns the base offset of a segment file name.
func parseSegmentName(name string) (int64, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	base, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || base < 0 {
		return 0, false
	}
	return base, true
}

// listSegments returns the segments in a topic directory sorted by base
// offset, with size set from the file size and next from the following
// segment's base (the last one's next is left to recovery).
func listSegments(dir string) ([]*segment, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing segments in %s: %w", dir, err)
	}
	var segs []*segment
	for _, e := range entries {
		base, ok := parseSegmentName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("reading size of segment %s: %w", e.Name(), err)
		}
		segs = append(segs, &segment{base: base, path: filepath.Join(dir, e.Name()), size: info.Size()})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].base < segs[j].base })
	for i := 0; i+1 < len(segs); i++ {
		s := segs[i]
		s.next = segs[i+1].base
		if s.size < headerSize {
			return nil, fmt.Errorf("segment %s at byte 0: %d bytes, expected records %d to %d",
				s.path, s.size, s.base, s.next-1)
		}
	}
	return segs, nil
}

// recoverSegment scans the last segment of a topic, verifying every record.
// It truncates a torn or corrupt tail, logging what it dropped, and sets
// s.size and s.next. A record with a valid checksum but the wrong offset is
// not a torn write and is returned as an error.
func recoverSegment(log *slog.Logger, topic string, s *segment) error {
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("opening segment %s for recovery: %w", s.path, err)
	}
	defer f.Close()
	rr := newRecordReader(f, 1<<20)
	rr.limit = s.size
	next := s.base
	var good int64
	var bad error
	for {
		rec, pos, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ce *corruptError
		if errors.Is(err, errTorn) || errors.As(err, &ce) {
			bad = err
			break
		}
		if err != nil {
			return fmt.Errorf("recovering segment %s: %w", s.path, err)
		}
		if rec.offset != next {
			return fmt.Errorf("recovering segment %s at byte %d: %w", s.path, pos,
				&corruptError{fmt.Sprintf("offset %d, expected %d", rec.offset, next)})
		}
		next++
		good = rr.pos
	}
	if bad != nil {
		log.Warn("logbus: truncating torn or corrupt tail of segment",
			"topic", topic, "segment", s.path, "offset", next, "byte", good,
			"bytes_dropped", s.size-good, "reason", bad.Error())
		if err := f.Truncate(good); err != nil {
			return fmt.Errorf("truncating segment %s to %d bytes: %w", s.path, good, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("syncing truncated segment %s: %w", s.path, err)
		}
	}
	s.size = good
	s.next = next
	return nil
}

// syncDir fsyncs a directory so that entries created, renamed or removed in
// it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory %s to sync: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
