package logbus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

const (
	// headerSize is the size of the fixed part of a framed record.
	headerSize = 28
	// minBodyLen is the smallest value of the length field: offset, time
	// and key length with an empty key and value.
	minBodyLen = 20
	// MaxMessageBytes bounds len(Key)+len(Value) of one message.
	MaxMessageBytes = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errShort means the buffer ends before the record does.
var errShort = errors.New("short record")

// corruptError describes a record that cannot be valid.
type corruptError struct{ reason string }

func (e *corruptError) Error() string { return "corrupt record: " + e.reason }

// record is a decoded record; key and value alias the buffer it was decoded
// from.
type record struct {
	offset int64
	time   int64
	key    []byte
	value  []byte
}

// framedSize is the number of bytes a record with key and value occupies.
func framedSize(key, value []byte) int { return headerSize + len(key) + len(value) }

// appendRecord appends a framed record with offset 0 to dst; the writer
// patches the offset with setOffset when it assigns one.
func appendRecord(dst []byte, timeNanos int64, key, value []byte) []byte {
	start := len(dst)
	var h [headerSize]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(minBodyLen+len(key)+len(value)))
	binary.LittleEndian.PutUint64(h[16:], uint64(timeNanos))
	binary.LittleEndian.PutUint32(h[24:], uint32(len(key)))
	dst = append(dst, h[:]...)
	dst = append(dst, key...)
	dst = append(dst, value...)
	crc := crc32.Update(0, castagnoli, dst[start:start+4])
	crc = crc32.Update(crc, castagnoli, dst[start+16:])
	binary.LittleEndian.PutUint32(dst[start+4:], crc)
	return dst
}

// recordSize returns the framed size of the record at the start of b, which
// must hold at least 4 bytes of a record built by appendRecord.
func recordSize(b []byte) int { return 8 + int(binary.LittleEndian.Uint32(b)) }

// setOffset writes offset into the record at the start of b.
func setOffset(b []byte, offset int64) { binary.LittleEndian.PutUint64(b[8:], uint64(offset)) }

// decodeRecord decodes the record at the start of b. It returns the record
// and its framed size; errShort with the number of bytes needed when b ends
// before the record; or a *corruptError.
func decodeRecord(b []byte) (record, int, error) {
	if len(b) < headerSize {
		return record{}, headerSize, errShort
	}
	bodyLen := binary.LittleEndian.Uint32(b)
	if bodyLen < minBodyLen || bodyLen > minBodyLen+MaxMessageBytes {
		return record{}, 0, &corruptError{fmt.Sprintf("invalid length %d", bodyLen)}
	}
	total := 8 + int(bodyLen)
	if len(b) < total {
		return record{}, total, errShort
	}
	crc := crc32.Update(0, castagnoli, b[0:4])
	crc = crc32.Update(crc, castagnoli, b[16:total])
	if want := binary.LittleEndian.Uint32(b[4:]); crc != want {
		return record{}, 0, &corruptError{fmt.Sprintf("checksum %08x, stored %08x", crc, want)}
	}
	keyLen := int(binary.LittleEndian.Uint32(b[24:]))
	if keyLen > int(bodyLen)-minBodyLen {
		return record{}, 0, &corruptError{fmt.Sprintf("key length %d exceeds record", keyLen)}
	}
	return record{
		offset: int64(binary.LittleEndian.Uint64(b[8:])),
		time:   int64(binary.LittleEndian.Uint64(b[16:])),
		key:    b[headerSize : headerSize+keyLen],
		value:  b[headerSize+keyLen : total],
	}, total, nil
}

// errTorn means the readable part of a file ends inside a record.
var errTorn = errors.New("file ends inside a record")

// recordReader reads records sequentially from a segment file, never past
// limit. Records it returns alias its buffer and are valid until the next
// call to next.
type recordReader struct {
	f     *os.File
	chunk int    // minimum read size
	buf   []byte // buf[r:w] are unparsed bytes starting at file position pos
	r, w  int
	pos   int64
	limit int64
}

func newRecordReader(f *os.File, chunk int) *recordReader {
	return &recordReader{f: f, chunk: chunk}
}

// next returns the next record and its byte position. At limit it returns
// io.EOF when the previous record ended exactly there and errTorn when a
// partial record precedes limit. Invalid records give a *corruptError.
func (rr *recordReader) next() (record, int64, error) {
	for {
		rec, n, err := decodeRecord(rr.buf[rr.r:rr.w])
		if err == nil {
			at := rr.pos
			rr.r += n
			rr.pos += int64(n)
			return rec, at, nil
		}
		if !errors.Is(err, errShort) {
			return record{}, rr.pos, err
		}
		if rr.pos+int64(rr.w-rr.r) >= rr.limit {
			if rr.w == rr.r {
				return record{}, rr.pos, io.EOF
			}
			return record{}, rr.pos, errTorn
		}
		if err := rr.fill(n); err != nil {
			return record{}, rr.pos, err
		}
	}
}

// fill reads more bytes so that at least need unparsed bytes are buffered,
// or up to limit.
func (rr *recordReader) fill(need int) error {
	if rr.r > 0 {
		rr.w = copy(rr.buf, rr.buf[rr.r:rr.w])
		rr.r = 0
	}
	if want := max(need, rr.chunk); len(rr.buf) < want {
		nb := make([]byte, want)
		copy(nb, rr.buf[:rr.w])
		rr.buf = nb
	}
	end := rr.pos + int64(rr.w)
	n := int64(len(rr.buf) - rr.w)
	n = min(n, rr.limit-end)
	m, err := rr.f.ReadAt(rr.buf[rr.w:rr.w+int(n)], end)
	rr.w += m
	if err != nil && !(errors.Is(err, io.EOF) && int64(m) == n) {
		if errors.Is(err, io.EOF) {
			return errTorn
		}
		return fmt.Errorf("reading %s at byte %d: %w", rr.f.Name(), end, err)
	}
	return nil
}

// skipTo positions rr at the record with offset want, starting from the
// current position whose next record has offset at. It verifies every
// record it skips.
func (rr *recordReader) skipTo(at, want int64) error {
	for at < want {
		rec, pos, err := rr.next()
		if err != nil {
			return fmt.Errorf("seeking to offset %d in %s at byte %d: %w", want, rr.f.Name(), pos, err)
		}
		if rec.offset != at {
			return fmt.Errorf("seeking to offset %d in %s at byte %d: %w", want, rr.f.Name(), pos,
				&corruptError{fmt.Sprintf("offset %d, expected %d", rec.offset, at)})
		}
		at++
	}
	return nil
}
