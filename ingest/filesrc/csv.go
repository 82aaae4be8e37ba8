package filesrc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/ingest"
)

// CodeBadCSV rejects a CSV row that does not fit the header or cannot
// be parsed.
const CodeBadCSV = "bad_csv"

// readCSV reads up to max rows from cur; at the file's start it reads
// the header row into the cursor. The error is fs.ErrNotExist (vanished)
// or the context's.
func (s *Source) readCSV(ctx context.Context, e entry, cur cursor, max int) (chunk, error) {
	st, err := s.open(e, cur.Enc, cur.Offset)
	if err != nil {
		return chunk{next: cur, fail: err}, vanished(err)
	}
	defer st.Close()
	c := chunk{next: cur}
	tr := &tracker{r: st}
	br := bufio.NewReader(tr)
	skip := int64(0) // the BOM, before what cr reads
	if cur.Offset == 0 {
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			br.Discard(len(bom))
			skip = int64(len(bom))
		}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	base := cur // cr's offsets and lines are relative to base
	done := func() {
		rel := skip + cr.InputOffset()
		c.next.Offset = base.Offset + rel
		c.next.Line = base.Line + tr.lines(rel)
	}
	if c.next.Header == nil {
		h, err := cr.Read()
		switch {
		case err == io.EOF:
			c.fail = fmt.Errorf("%s has no header row", e.id.Name)
			return c, nil
		case err != nil:
			c.fail = fmt.Errorf("reading the header row of %s: %w", e.id.Name, err)
			return c, nil
		}
		if c.fail = checkHeader(h); c.fail != nil {
			return c, nil
		}
		c.next.Header = h
		done()
	}
	for {
		if err := ctx.Err(); err != nil {
			return chunk{}, err
		}
		row, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			c.eof = true
			return c, nil
		case err != nil && !errors.As(err, &pe):
			c.fail = fmt.Errorf("reading %s after line %d: %w", e.id.Name, c.next.Line, err)
			return c, nil
		case len(c.recs) == max: // the row is the next chunk's: the file goes on
			return c, nil
		}
		r := rec{index: c.next.Records}
		if pe != nil {
			r.line = base.Line + pe.StartLine
			r.rej = &ingest.Reject{Code: CodeBadCSV, Message: fmt.Sprintf("row is not valid CSV: %v", pe.Err)}
		} else {
			l, _ := cr.FieldPos(0)
			r.line = base.Line + l
			r.raw, r.rej = rowRecord(c.next.Header, row)
		}
		c.recs = append(c.recs, r)
		c.next.Records++
		done()
	}
}

// tracker keeps what was read from a stream until it is counted, so
// that the lines before an offset can be told.
type tracker struct {
	r     io.Reader
	buf   []byte // bytes from offset start on
	start int64
	nl    int64 // newlines before start
}

func (t *tracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// lines returns the newlines before offset off (not below the last off
// asked for) and forgets the bytes before it.
func (t *tracker) lines(off int64) int {
	if k := int(off - t.start); k > 0 {
		t.nl += int64(bytes.Count(t.buf[:k], []byte{'\n'}))
		t.buf = t.buf[k:]
		t.start = off
	}
	return int(t.nl)
}

// checkHeader refuses a header naming a column twice or not in UTF-8
// (it is kept in the cursor, as JSON).
func checkHeader(h []string) error {
	seen := map[string]bool{}
	for _, name := range h {
		if !utf8.ValidString(name) {
			return fmt.Errorf("the header row is not valid UTF-8 (nor GB18030): %q", name)
		}
		if name != "" && seen[name] {
			return fmt.Errorf("the header row names column %q twice", name)
		}
		seen[name] = true
	}
	return nil
}

// rowRecord returns a row as a JSON object of strings, empty cells left
// out.
func rowRecord(header, row []string) ([]byte, *ingest.Reject) {
	if len(row) != len(header) {
		return nil, &ingest.Reject{Code: CodeBadCSV, Message: fmt.Sprintf("row has %d fields, the header has %d", len(row), len(header))}
	}
	obj := make(map[string]string, len(row))
	for i, v := range row {
		if v == "" || header[i] == "" {
			continue
		}
		if !utf8.ValidString(v) {
			return nil, &ingest.Reject{Code: ingest.CodeInvalidUTF8, Field: header[i],
				Message: fmt.Sprintf("column %q is not valid UTF-8 (nor the file GB18030)", header[i])}
		}
		obj[header[i]] = v
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, &ingest.Reject{Code: CodeBadCSV, Message: err.Error()}
	}
	return b, nil
}
