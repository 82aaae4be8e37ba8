package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// fileRecord is one record read from an input file, with where it was.
type fileRecord struct {
	line int // 1-based line of NDJSON/CSV records, 0 for array elements
	n    int // 1-based record number in the file
	raw  []byte
}

// recordReader yields the records of a file one at a time.
type recordReader interface {
	next() (fileRecord, error) // io.EOF at the end
}

// openRecords opens path (NDJSON, a JSON array, or CSV with a header row;
// any of them gzipped as .gz) and returns a reader of its records.
func openRecords(path string) (recordReader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var r io.Reader = f
	name := path
	if strings.HasSuffix(name, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		r, name = gz, strings.TrimSuffix(name, ".gz")
	}
	br := bufio.NewReaderSize(r, 1<<20)
	if strings.HasSuffix(strings.ToLower(name), ".csv") {
		cr, err := newCSVReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		return cr, f, nil
	}
	if first, err := peekNonSpace(br); err == nil && first == '[' {
		return newArrayReader(br), f, nil
	}
	return &ndjsonReader{r: br}, f, nil
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := br.Peek(i)
		if err != nil {
			return 0, err
		}
		c := b[i-1]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, nil
		}
	}
}

type ndjsonReader struct {
	r    *bufio.Reader
	line int
	n    int
}

func (nr *ndjsonReader) next() (fileRecord, error) {
	for {
		l, err := nr.r.ReadBytes('\n')
		if len(l) == 0 && err != nil {
			return fileRecord{}, err
		}
		nr.line++
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			if err != nil {
				return fileRecord{}, err
			}
			continue
		}
		nr.n++
		return fileRecord{line: nr.line, n: nr.n, raw: l}, nil
	}
}

type arrayReader struct {
	dec     *json.Decoder
	started bool
	n       int
}

func newArrayReader(r io.Reader) *arrayReader { return &arrayReader{dec: json.NewDecoder(r)} }

func (ar *arrayReader) next() (fileRecord, error) {
	if !ar.started {
		ar.started = true
		if _, err := ar.dec.Token(); err != nil {
			return fileRecord{}, fmt.Errorf("reading JSON array: %w", err)
		}
	}
	if !ar.dec.More() {
		return fileRecord{}, io.EOF
	}
	var raw json.RawMessage
	if err := ar.dec.Decode(&raw); err != nil {
		return fileRecord{}, fmt.Errorf("record %d: invalid JSON near byte %d: %w", ar.n+1, ar.dec.InputOffset(), err)
	}
	ar.n++
	return fileRecord{n: ar.n, raw: raw}, nil
}

// csvReader turns rows into JSON objects keyed by the header; empty cells
// are left out, and a "meta" column is embedded as JSON.
type csvReader struct {
	r      *csv.Reader
	header []string
	n      int
}

func newCSVReader(r io.Reader) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading CSV header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	return &csvReader{r: cr, header: header}, nil
}

func (c *csvReader) next() (fileRecord, error) {
	row, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fileRecord{}, fmt.Errorf("line %d: %w", pe.Line, err)
		}
		return fileRecord{}, err
	}
	line, _ := c.r.FieldPos(0)
	c.n++
	if len(row) > len(c.header) {
		return fileRecord{}, fmt.Errorf("line %d: %d cells but the header has %d columns", line, len(row), len(c.header))
	}
	obj := make(map[string]any, len(row))
	for i, v := range row {
		if v == "" {
			continue
		}
		if c.header[i] == "meta" && json.Valid([]byte(v)) {
			obj["meta"] = json.RawMessage(v)
			continue
		}
		obj[c.header[i]] = v
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return fileRecord{}, fmt.Errorf("line %d: %w", line, err)
	}
	return fileRecord{line: line, n: c.n, raw: raw}, nil
}
