package filesrc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/yuqing-dev/yuqing/ingest"
)

// maxJSONBytes bounds the uncompressed size of a JSON array file, which
// is read whole.
const maxJSONBytes = 256 << 20

// jsonFile is a JSON array file split into records, kept between the
// Reads that go through it.
type jsonFile struct {
	id   fileID
	enc  string
	recs []rec
}

// readJSON returns up to max records of a JSON array file from
// cur.Records. The error is fs.ErrNotExist (vanished) or the context's.
func (s *Source) readJSON(ctx context.Context, e entry, cur cursor, max int) (chunk, error) {
	jf := s.json
	if jf == nil || jf.id != e.id {
		var err error
		if jf, err = s.loadJSON(e); err != nil {
			return chunk{next: cur, fail: err}, vanished(err)
		}
		s.json = jf
	}
	if err := ctx.Err(); err != nil {
		return chunk{}, err
	}
	from := min(cur.Records, len(jf.recs))
	to := min(from+max, len(jf.recs))
	c := chunk{recs: jf.recs[from:to], next: cur}
	c.next.Records, c.next.Enc = to, jf.enc
	if len(c.recs) > 0 {
		c.next.Line = c.recs[len(c.recs)-1].line
	}
	if c.eof = to == len(jf.recs); c.eof {
		s.json = nil
	}
	return c, nil
}

// loadJSON reads and splits a JSON array file.
func (s *Source) loadJSON(e entry) (*jsonFile, error) {
	st, err := s.open(e, encUTF8, 0)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	data, err := io.ReadAll(io.LimitReader(st, s.maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", e.id.Name, err)
	}
	if int64(len(data)) > s.maxJSON {
		return nil, fmt.Errorf("%s is over %d bytes uncompressed, the limit for a JSON array file (split it, or write JSONL)", e.id.Name, s.maxJSON)
	}
	data, enc := s.decodeAll(e.id.Name, data)
	recs, err := splitJSON(bytes.TrimPrefix(data, bom))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", e.id.Name, err)
	}
	return &jsonFile{id: e.id, enc: enc, recs: recs}, nil
}

// splitJSON splits a JSON array (or a single object) into compact
// records with their lines. A syntax error inside the array ends it: the
// records before stand and one rejected record stands for the rest.
func splitJSON(data []byte) ([]rec, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	lines := lineCounter{data: data, line: 1}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		start := len(data) - len(trimmed)
		return []rec{compactRec(0, lines.at(start), bytes.TrimSpace(trimmed))}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("the file is not a JSON array (nor one object)")
	}
	var recs []rec
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			off := int(dec.InputOffset())
			recs = append(recs, rec{index: len(recs), line: lines.at(off), rej: &ingest.Reject{Code: ingest.CodeBadJSON,
				Message: fmt.Sprintf("record %d and everything after it: invalid JSON near byte %d: %v", len(recs), off, err)}})
			return recs, nil
		}
		end := int(dec.InputOffset())
		recs = append(recs, compactRec(len(recs), lines.at(end-len(raw)), raw))
	}
	if _, err := dec.Token(); err != nil {
		off := int(dec.InputOffset())
		recs = append(recs, rec{index: len(recs), line: lines.at(off), rej: &ingest.Reject{Code: ingest.CodeBadJSON,
			Message: fmt.Sprintf("array not closed: %v", err)}})
	}
	return recs, nil
}

// compactRec returns a record of one JSON value on one line.
func compactRec(index, line int, raw []byte) rec {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return rec{index: index, line: line, rej: &ingest.Reject{Code: ingest.CodeBadJSON, Message: fmt.Sprintf("invalid JSON: %v", err)}}
	}
	return rec{index: index, line: line, raw: b.Bytes()}
}

// lineCounter returns the lines of increasing offsets in data.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (l *lineCounter) at(off int) int {
	off = min(max(off, 0), len(l.data))
	if off > l.off {
		l.line += bytes.Count(l.data[l.off:off], []byte{'\n'})
		l.off = off
	}
	return l.line
}
