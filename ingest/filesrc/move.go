package filesrc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Folders inside the drop folder that finished files are moved to.
const (
	doneDir   = "done"
	failedDir = "failed"
)

// ack returns the Ack that moves a finished file out of the drop folder.
func (s *Source) ack(f finished) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return s.move(f)
	}
}

// move moves f to done/ (or failed/, writing NAME.reason.txt beside it).
// A file that is no longer there, or is another file by now, is left
// alone: the move already happened.
func (s *Source) move(f finished) error {
	if !s.present(f.fileID) {
		return nil
	}
	dir := filepath.Join(s.dir, doneDir)
	if f.Failed {
		dir = filepath.Join(s.dir, failedDir)
	}
	to, err := s.freeName(dir, f.Name)
	if err != nil {
		return err
	}
	if f.Failed {
		reason := fmt.Sprintf("%s %s: %s\n", s.now().UTC().Format("2006-01-02T15:04:05Z07:00"), f.Name, f.Reason)
		if err := os.WriteFile(to+".reason.txt", []byte(reason), 0o644); err != nil {
			return fmt.Errorf("writing the reason for %s: %w", f.Name, err)
		}
	}
	if err := os.Rename(filepath.Join(s.dir, f.Name), to); err != nil {
		return fmt.Errorf("moving %s to %s: %w", f.Name, to, err)
	}
	s.log.Info("file moved", "file", f.Name, "to", to, "failed", f.Failed)
	return nil
}

// freeName returns dir/name, or when that exists dir/name with a
// timestamp before its extensions (inbox-20261126T080000.000000000Z.jsonl.gz).
func (s *Source) freeName(dir, name string) (string, error) {
	stem, ext := name, ""
	if i := strings.Index(name, "."); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	stamp := s.now().UTC().Format("20060102T150405.000000000Z")
	for n := 0; n < 100; n++ {
		p := filepath.Join(dir, name)
		switch {
		case n == 1:
			p = filepath.Join(dir, stem+"-"+stamp+ext)
		case n > 1:
			p = filepath.Join(dir, fmt.Sprintf("%s-%s-%d%s", stem, stamp, n, ext))
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		} else if err != nil {
			return "", fmt.Errorf("checking %s: %w", p, err)
		}
	}
	return "", fmt.Errorf("finding a free name for %s in %s: 100 taken", name, dir)
}
