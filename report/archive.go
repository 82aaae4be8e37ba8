package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"
)

// ErrNotFound is returned for a report id the archive does not hold.
var ErrNotFound = errors.New("report not found")

// Formats a report is served in.
const (
	FormatJSON     = "json"
	FormatHTML     = "html"
	FormatMarkdown = "md"
	FormatPDF      = "pdf"
)

var fileOf = map[string]string{FormatJSON: "report.json", FormatHTML: "report.html", FormatMarkdown: "report.md", FormatPDF: "report.pdf"}

var validID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// Entry is a report in the archive listing.
type Entry struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Period      Period    `json:"period"`
	Schedule    string    `json:"schedule,omitempty"`
	GeneratedAt time.Time `json:"generated_at"`
	Formats     []string  `json:"formats"`
}

// Archive keeps generated reports under a directory, one per id
// (dir/<id>/report.json, .html, .md, and .pdf once rendered). The listing
// is the directories themselves, so processes sharing the directory see the
// same archive. A report is written to a temporary directory and renamed
// into place, so a crash leaves no half report.
type Archive struct {
	dir string
	mu  sync.Mutex
}

// OpenArchive opens (creating) the archive at dir.
func OpenArchive(dir string) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("opening report archive: %w", err)
	}
	return &Archive{dir: dir}, nil
}

// Put stores r with its HTML and Markdown, replacing a report with the
// same id (a scheduled report generated again).
func (a *Archive) Put(r Report, html, md []byte) error {
	if !validID.MatchString(r.ID) {
		return fmt.Errorf("%w: report id %q", ErrInvalid, r.ID)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding report %s: %w", r.ID, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	tmp, err := os.MkdirTemp(a.dir, ".tmp-"+r.ID+"-")
	if err != nil {
		return fmt.Errorf("archiving report %s: %w", r.ID, err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range map[string][]byte{"report.json": js, "report.html": html, "report.md": md} {
		if err := writeSynced(filepath.Join(tmp, name), data); err != nil {
			return fmt.Errorf("archiving report %s: %w", r.ID, err)
		}
	}
	final := filepath.Join(a.dir, r.ID)
	if err := os.RemoveAll(final); err != nil {
		return fmt.Errorf("archiving report %s: %w", r.ID, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("archiving report %s: %w", r.ID, err)
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Get returns the report id in format (FormatJSON, FormatHTML,
// FormatMarkdown, FormatPDF). A PDF not rendered yet is rendered with
// render and kept. A missing report or format is ErrNotFound.
func (a *Archive) Get(ctx context.Context, id, format string, render func(ctx context.Context, html []byte) ([]byte, error)) ([]byte, error) {
	name, ok := fileOf[format]
	if !ok {
		return nil, fmt.Errorf("%w: format %q: want html, md, pdf or json", ErrInvalid, format)
	}
	if !validID.MatchString(id) {
		return nil, fmt.Errorf("report %q: %w", id, ErrNotFound)
	}
	data, err := os.ReadFile(filepath.Join(a.dir, id, name))
	if err == nil || !errors.Is(err, os.ErrNotExist) || format != FormatPDF || render == nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("report %s (%s): %w", id, format, ErrNotFound)
		}
		return data, err
	}
	html, err := a.Get(ctx, id, FormatHTML, nil)
	if err != nil {
		return nil, err
	}
	pdf, err := render(ctx, html)
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(a.dir, id, name), pdf); err != nil {
		return nil, fmt.Errorf("keeping pdf of report %s: %w", id, err)
	}
	return pdf, nil
}

// Report returns the stored report id.
func (a *Archive) Report(id string) (Report, error) {
	var r Report
	data, err := a.Get(context.Background(), id, FormatJSON, nil)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("decoding report %s: %w", id, err)
	}
	return r, nil
}

// List returns the archived reports, newest generated first.
func (a *Archive) List() ([]Entry, error) {
	des, err := os.ReadDir(a.dir)
	if err != nil {
		return nil, fmt.Errorf("listing reports: %w", err)
	}
	out := []Entry{}
	for _, de := range des {
		if !de.IsDir() || !validID.MatchString(de.Name()) {
			continue
		}
		r, err := a.Report(de.Name())
		if errors.Is(err, ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		e := Entry{ID: r.ID, Title: r.Title, Period: r.Period, Schedule: r.Schedule, GeneratedAt: r.GeneratedAt,
			Formats: []string{FormatHTML, FormatMarkdown, FormatPDF, FormatJSON}}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].GeneratedAt.Equal(out[j].GeneratedAt) {
			return out[i].GeneratedAt.After(out[j].GeneratedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// Prune deletes the reports generated before now − retention (0 keeps
// everything) and returns their ids.
func (a *Archive) Prune(now time.Time, retention time.Duration) ([]string, error) {
	if retention <= 0 {
		return nil, nil
	}
	entries, err := a.List()
	if err != nil {
		return nil, err
	}
	var gone []string
	cut := now.Add(-retention)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range entries {
		if e.GeneratedAt.Before(cut) {
			if err := os.RemoveAll(filepath.Join(a.dir, e.ID)); err != nil {
				return gone, fmt.Errorf("deleting report %s: %w", e.ID, err)
			}
			gone = append(gone, e.ID)
		}
	}
	return gone, nil
}
