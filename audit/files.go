package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Files is the embedded audit log: DATA/audit/<YYYY-MM-DD>.jsonl.
type Files struct {
	dir       string
	retention time.Duration
	now       func() time.Time

	mu     sync.Mutex
	pruned string // the day last pruned
}

// OpenFiles opens (creating) the log in dir, keeping retention (0:
// forever), and drops expired days. now is the clock (nil: time.Now).
func OpenFiles(dir string, retention time.Duration, now func() time.Time) (*Files, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating audit dir: %w", err)
	}
	f := &Files{dir: dir, retention: retention, now: now}
	return f, f.Prune()
}

// Append writes e as one line of its day's file with a single write
// (O_APPEND, so other processes' lines do not interleave) and fsyncs it.
func (f *Files) Append(_ context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = f.now()
	}
	e.Time = e.Time.UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding audit entry: %w", err)
	}
	day := e.Time.Format(time.DateOnly)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pruned != day {
		if err := f.pruneLocked(); err != nil {
			return err
		}
		f.pruned = day
	}
	fh, err := os.OpenFile(filepath.Join(f.dir, day+".jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening audit log: %w", err)
	}
	_, err = fh.Write(append(line, '\n'))
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing audit log: %w", err)
	}
	return nil
}

// Prune drops the days wholly older than the retention.
func (f *Files) Prune() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pruneLocked()
}

func (f *Files) pruneLocked() error {
	if f.retention <= 0 {
		return nil
	}
	cut := f.now().UTC().Add(-f.retention)
	for _, day := range f.fileDays() {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil || !d.Add(24*time.Hour).Before(cut) {
			continue
		}
		if err := os.Remove(filepath.Join(f.dir, day+".jsonl")); err != nil {
			return fmt.Errorf("dropping audit day %s: %w", day, err)
		}
	}
	return nil
}

// fileDays lists the days with a file, newest first.
func (f *Files) fileDays() []string {
	names, _ := filepath.Glob(filepath.Join(f.dir, "*.jsonl"))
	var out []string
	for _, n := range names {
		out = append(out, strings.TrimSuffix(filepath.Base(n), ".jsonl"))
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// Search reads the days in q's range, newest first.
func (f *Files) Search(ctx context.Context, q Query) ([]Entry, error) {
	var out []Entry
	for _, day := range f.fileDays() {
		if len(out) >= q.limit() {
			break
		}
		if !q.Since.IsZero() && day < q.Since.UTC().Format(time.DateOnly) {
			break
		}
		if !q.Until.IsZero() && day > q.Until.UTC().Format(time.DateOnly) {
			continue
		}
		es, err := f.readDay(day, q)
		if err != nil {
			return nil, err
		}
		sortNewest(es)
		out = append(out, es...)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(out) > q.limit() {
		out = out[:q.limit()]
	}
	return out, nil
}

func (f *Files) readDay(day string, q Query) ([]Entry, error) {
	fh, err := os.Open(filepath.Join(f.dir, day+".jsonl"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading audit log: %w", err)
	}
	defer fh.Close()
	var out []Entry
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil { // a torn last line after a crash
			continue
		}
		if q.match(e, sc.Text()) {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// Entries reads every entry of the log in dir, oldest first (for tests
// and offline inspection).
func Entries(dir string) ([]Entry, error) {
	f := &Files{dir: dir, now: time.Now}
	es, err := f.Search(context.Background(), Query{Limit: 1000})
	slices.Reverse(es)
	return es, err
}
