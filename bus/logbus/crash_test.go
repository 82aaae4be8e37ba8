package logbus_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus/logbus"
	"github.com/yuqing-dev/yuqing/internal/syncbuf"
)

// Crash recovery: what a crash in the middle of a write, or a bad disk,
// leaves in segment files.

func TestTornTail(t *testing.T) {
	// A record as the log frames it, to append half of it.
	for _, tc := range []struct {
		name string
		tail func(record []byte) []byte
	}{
		{"HalfRecord", func(r []byte) []byte { return r[:len(r)/2] }},
		{"HeaderOnly", func(r []byte) []byte { return r[:10] }},
		{"Garbage", func([]byte) []byte { return []byte("\x13\x37garbage that is not a record at all") }},
		{"Zeros", func([]byte) []byte { return make([]byte, 4096) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			const topic = "raw"
			b := open(t, dir, logbus.DefaultOptions())
			produceN(t, b, topic, 0, 100)
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			files := segmentFiles(t, dir, topic)
			last := files[len(files)-1]
			whole, err := os.ReadFile(last)
			if err != nil {
				t.Fatal(err)
			}
			// The last record of the file serves as a template.
			rec := lastRecord(t, whole)
			appendFile(t, last, tc.tail(rec))

			logs := &syncbuf.Buffer{}
			b = open(t, dir, logbus.Options{Sync: true, Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if !strings.Contains(logs.String(), "bytes_dropped") || !strings.Contains(logs.String(), last) {
				t.Errorf("recovery was not logged with the segment and bytes dropped: %q", logs.String())
			}
			if info, _ := os.Stat(last); info.Size() != int64(len(whole)) {
				t.Errorf("segment is %d bytes after recovery, want the %d bytes of complete records", info.Size(), len(whole))
			}
			if next := consumeAll(t, b, "g1", topic, 0); next != 100 {
				t.Fatalf("after recovery read up to offset %d, want 100", next)
			}
			produceN(t, b, topic, 100, 5)
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			b = open(t, dir, logbus.DefaultOptions())
			if next := consumeAll(t, b, "g2", topic, 0); next != 105 {
				t.Fatalf("after producing on the recovered log read up to offset %d, want 105", next)
			}
		})
	}
}

// lastRecord returns a copy of the last record in a segment.
func lastRecord(t *testing.T, seg []byte) []byte {
	t.Helper()
	var at int
	for at+recordLen(seg[at:]) < len(seg) {
		at += recordLen(seg[at:])
	}
	if at+recordLen(seg[at:]) != len(seg) {
		t.Fatalf("segment of %d bytes does not end with a whole record", len(seg))
	}
	return append([]byte(nil), seg[at:]...)
}

// recordLen is the framed size of the record at the start of b.
func recordLen(b []byte) int {
	return 8 + int(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16|uint32(b[3])<<24)
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func flipBit(t *testing.T, path string, at int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x10
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
}

func TestBitFlipInLastRecord(t *testing.T) {
	dir := t.TempDir()
	const topic = "raw"
	b := open(t, dir, logbus.DefaultOptions())
	produceN(t, b, topic, 0, 10)
	b.Close()
	files := segmentFiles(t, dir, topic)
	last := files[len(files)-1]
	info, err := os.Stat(last)
	if err != nil {
		t.Fatal(err)
	}
	flipBit(t, last, info.Size()-3) // inside the value of record 9

	logs := &syncbuf.Buffer{}
	b = open(t, dir, logbus.Options{Sync: true, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if !strings.Contains(logs.String(), "checksum") || !strings.Contains(logs.String(), "offset=9") {
		t.Errorf("bit flip was not logged as a checksum failure at offset 9: %q", logs.String())
	}
	if next := consumeAll(t, b, "g1", topic, 0); next != 9 {
		t.Fatalf("after dropping the corrupt record read up to offset %d, want 9", next)
	}
	produceN(t, b, topic, 9, 3)
	if next := consumeAll(t, b, "g2", topic, 0); next != 12 {
		t.Fatalf("read up to offset %d, want 12", next)
	}
}

func TestCorruptOlderSegment(t *testing.T) {
	dir := t.TempDir()
	const topic = "raw"
	opts := logbus.Options{Sync: true, SegmentBytes: 100}
	b := open(t, dir, opts)
	produceN(t, b, topic, 0, 10)
	b.Close()
	files := segmentFiles(t, dir, topic)
	if len(files) < 3 {
		t.Fatalf("want several segments, got %v", files)
	}
	flipBit(t, files[1], 30) // the value of the first record of the second segment
	b = open(t, dir, opts)
	c, err := b.Consumer(context.Background(), "g", topic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got int
	for {
		msgs, err := c.Fetch(ctx, 100, 0)
		got += len(msgs)
		if err != nil {
			if !strings.Contains(err.Error(), files[1]) || !strings.Contains(err.Error(), "at byte 0") {
				t.Fatalf("error %q does not name file %s and byte 0", err, files[1])
			}
			break
		}
	}
	if want := bases(t, dir, topic)[1]; int64(got) != want {
		t.Fatalf("read %d messages before the corrupt one, want %d", got, want)
	}
}
