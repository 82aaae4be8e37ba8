package filesrc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

// CodeBadFile rejects a whole file that cannot be read; it is moved to
// failed/.
const CodeBadFile = "bad_file"

// maxBatch is the most records one Read returns.
const maxBatch = 1000

// Source reads the files of a drop folder. Its Reads must not run
// concurrently (the collect Runner reads a source from one goroutine).
type Source struct {
	name    string
	dir     string
	format  string // jsonl, json, csv or "" for all
	origin  ingest.Origin
	lim     ingest.Limits
	now     func() time.Time
	log     *slog.Logger
	batch   int   // records per Read
	maxJSON int64 // bytes of a JSON array file

	json *jsonFile // the JSON array file being read
	// listed, when set (by tests), sees each listing before it is read.
	listed func([]entry)
}

var _ collect.Source = (*Source)(nil)

// New returns the file source of src, creating src.Path and its done/
// and failed/ folders when missing. now (nil: time.Now) stamps the
// records' receipt and the moved files; log may be nil.
func New(src configs.Source, lim ingest.Limits, now func() time.Time, log *slog.Logger) (*Source, error) {
	if src.Path == "" {
		return nil, errors.New("path: must be set")
	}
	format := strings.TrimSuffix(src.Format, ".gz")
	switch format {
	case "", formatJSONL, formatJSON, formatCSV:
	default:
		return nil, fmt.Errorf("format: %q is not jsonl, json or csv", src.Format)
	}
	for _, d := range []string{src.Path, filepath.Join(src.Path, doneDir), filepath.Join(src.Path, failedDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	kind := src.Kind
	if kind == "" {
		kind = ingest.KindPost
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	batch := maxBatch
	if lim.MaxRecords > 0 {
		batch = min(batch, lim.MaxRecords)
	}
	return &Source{
		name:    src.Name,
		dir:     src.Path,
		format:  format,
		origin:  ingest.Origin{Source: src.Name, Kind: kind, Region: src.Region, Labels: src.Labels, Mapping: src.Mapping},
		lim:     lim,
		now:     now,
		log:     log.With("source", src.Name, "path", src.Path),
		batch:   batch,
		maxJSON: maxJSONBytes,
	}, nil
}

// Read returns the next records of the drop folder after cursor: it
// continues the cursor's file while it is there (unchanged), else starts
// the oldest file. The batch that finishes a file carries an Ack moving
// it to done/ (or failed/); More is set while this or other files have
// more. A file that vanished since the listing is skipped. Read fails
// only when the folder cannot be listed, the cursor is not one of this
// source's, or ctx ends; the Runner then retries from the same cursor.
func (s *Source) Read(ctx context.Context, raw []byte) (collect.Batch, error) {
	if err := ctx.Err(); err != nil {
		return collect.Batch{}, err
	}
	cur, err := parseCursor(raw)
	if err != nil {
		return collect.Batch{}, err
	}
	if f := cur.Finished; f != nil {
		if s.present(f.fileID) {
			// The batch that finished it was stored, its Ack did not
			// run (or failed): move it now, and end the poll so that a
			// failing move is not retried in a loop.
			s.log.Info("moving a file finished in an earlier poll", "file", f.Name)
			return collect.Batch{Ack: s.ack(*f)}, nil
		}
		cur.Finished = nil
	}
	files, err := s.list()
	if err != nil {
		return collect.Batch{}, err
	}
	if s.listed != nil {
		s.listed(files)
	}
	if cur.File != nil {
		for _, e := range files {
			if e.id == *cur.File {
				b, err := s.readFile(ctx, e, cur, files)
				if !errors.Is(err, fs.ErrNotExist) {
					return b, err
				}
			}
		}
		s.log.Warn("the cursor's file is gone or changed; reading the oldest file", "file", cur.File.Name)
	}
	for _, e := range files {
		if cur.File != nil && e.id == *cur.File {
			continue // tried above
		}
		b, err := s.readFile(ctx, e, cursor{File: &e.id}, files)
		if !errors.Is(err, fs.ErrNotExist) {
			return b, err
		}
		s.log.Info("file vanished before it was read; skipped", "file", e.id.Name)
	}
	if raw == nil || cur.File == nil {
		return collect.Batch{}, nil
	}
	return collect.Batch{Cursor: cursor{}.encode()}, nil
}

// readFile reads e's next records from cur. The error is fs.ErrNotExist
// when e vanished, or the context's.
func (s *Source) readFile(ctx context.Context, e entry, cur cursor, files []entry) (collect.Batch, error) {
	var c chunk
	var err error
	if cur.Enc == "" && e.format != formatJSON {
		if cur.Enc, err = s.detect(e); err != nil {
			if vanished(err) != nil {
				return collect.Batch{}, err
			}
			c = chunk{next: cur, fail: err}
		}
	}
	if c.fail == nil {
		switch e.format {
		case formatJSONL:
			c, err = s.readJSONL(ctx, e, cur, s.batch)
		case formatJSON:
			c, err = s.readJSON(ctx, e, cur, s.batch)
		case formatCSV:
			c, err = s.readCSV(ctx, e, cur, s.batch)
		}
		if err != nil {
			return collect.Batch{}, err
		}
	}
	now := s.now()
	b := collect.Batch{}
	b.Posts, b.Rejects = s.parse(e.id.Name, c.recs, now)
	others := len(files) > 1
	switch {
	case c.fail != nil:
		reason := c.fail.Error()
		s.log.Warn("file cannot be read; moving it to failed/", "file", e.id.Name, "after_records", c.next.Records, "err", c.fail)
		b.Rejects = append(b.Rejects, ingest.Reject{Index: c.next.Records, Code: CodeBadFile,
			Message: fmt.Sprintf("%s: cannot be read, moved to %s/: %s", e.id.Name, failedDir, reason)})
		f := finished{fileID: e.id, Failed: true, Reason: reason}
		b.Cursor, b.Ack, b.More = cursor{Finished: &f}.encode(), s.ack(f), others
	case c.eof:
		s.log.Info("file read", "file", e.id.Name, "records", c.next.Records, "lines", c.next.Line)
		f := finished{fileID: e.id}
		b.Cursor, b.Ack, b.More = cursor{Finished: &f}.encode(), s.ack(f), others
	default:
		b.Cursor, b.More = c.next.encode(), true
	}
	return b, nil
}

// parse turns a file's records into Posts and Rejects placed in the file.
func (s *Source) parse(name string, recs []rec, now time.Time) ([]ingest.Post, []ingest.Reject) {
	var posts []ingest.Post
	var rejs []ingest.Reject
	reject := func(r rec, rj ingest.Reject) {
		rj.Index, rj.Line = r.index, r.line
		rj.Message = fmt.Sprintf("%s:%d: %s", name, r.line, rj.Message)
		rejs = append(rejs, rj)
	}
	for _, r := range recs {
		switch {
		case r.rej != nil:
			reject(r, *r.rej)
		case r.raw[0] != '{':
			// ParseFrom would read an array as a body of records.
			reject(r, ingest.Reject{Code: ingest.CodeBadJSON, Message: "record is not a JSON object"})
		default:
			b := ingest.ParseFrom(r.raw, now, s.lim, s.origin)
			posts = append(posts, b.Posts...)
			for _, rj := range b.Rejects {
				reject(r, rj)
			}
		}
	}
	return posts, rejs
}
