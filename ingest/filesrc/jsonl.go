package filesrc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/yuqing-dev/yuqing/ingest"
)

// maxLineBytes bounds one line of a JSONL file; a longer one is rejected
// and skipped.
const maxLineBytes = 4 << 20

// bom is the UTF-8 byte order mark, tolerated at the start of a file.
var bom = []byte("\ufeff")

// rec is one record of a file before it is parsed.
type rec struct {
	index, line int
	raw         []byte
	// rej is set when the file format already refused the record.
	rej *ingest.Reject
}

// chunk is what one read of a file returned.
type chunk struct {
	recs []rec
	next cursor // the position after recs
	eof  bool   // the file is finished
	// fail, when set, says why the file cannot be read further: recs
	// stand, then the file goes to failed/.
	fail error
}

// readJSONL reads up to max lines' records from cur. The error is
// fs.ErrNotExist (vanished) or the context's.
func (s *Source) readJSONL(ctx context.Context, e entry, cur cursor, max int) (chunk, error) {
	st, err := s.open(e, cur.Enc, cur.Offset)
	if err != nil {
		return chunk{next: cur, fail: err}, vanished(err)
	}
	defer st.Close()
	br := bufio.NewReaderSize(st, 64<<10)
	c := chunk{next: cur}
	for len(c.recs) < max {
		if err := ctx.Err(); err != nil {
			return chunk{}, err
		}
		start := c.next.Offset
		line, n, tooLong, err := readLine(br)
		if n == 0 && err == io.EOF {
			c.eof = true
			break
		}
		if err != nil && err != io.EOF {
			c.fail = fmt.Errorf("reading %s at line %d: %w", e.id.Name, c.next.Line+1, err)
			return c, nil // the partial line is not a record
		}
		c.next.Offset += n
		c.next.Line++
		if start == 0 {
			line = bytes.TrimPrefix(line, bom)
		}
		if r, ok := lineRecord(line, tooLong, c.next); ok {
			c.recs = append(c.recs, r)
			c.next.Records++
		}
		if err == io.EOF {
			c.eof = true
			break
		}
	}
	if !c.eof {
		_, err := br.Peek(1)
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			c.fail = fmt.Errorf("reading %s at line %d: %w", e.id.Name, c.next.Line+1, err)
		}
	}
	return c, nil
}

// lineRecord returns the record of one line (at cur's Line and Records);
// blank lines are none.
func lineRecord(line []byte, tooLong bool, cur cursor) (rec, bool) {
	r := rec{index: cur.Records, line: cur.Line}
	if tooLong {
		r.rej = &ingest.Reject{Code: ingest.CodeOversize, Message: fmt.Sprintf("line is over %d bytes", maxLineBytes)}
		return r, true
	}
	r.raw = bytes.TrimSpace(line)
	return r, len(r.raw) > 0
}

// readLine reads one line (with its newline) of at most maxLineBytes;
// n counts all bytes consumed, also of a line too long to return.
func readLine(br *bufio.Reader) (line []byte, n int64, tooLong bool, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		n += int64(len(frag))
		if !tooLong && len(line)+len(frag) > maxLineBytes {
			tooLong, line = true, nil
		}
		if !tooLong {
			line = append(line, frag...)
		}
		if err != bufio.ErrBufferFull {
			return line, n, tooLong, err
		}
	}
}

// vanished returns err when it says the file is gone, else nil.
func vanished(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
