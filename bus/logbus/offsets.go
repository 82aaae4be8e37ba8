package logbus

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	offsetSuffix = ".offset"
	tmpSuffix    = ".tmp"
)

// validName reports whether s can be used as a topic or group name: it
// becomes a file name, so only ASCII letters, digits, '.', '_' and '-' are
// allowed, at most 249 bytes (Kafka's limit for topics), not "." or "..".
func validName(s string) bool {
	if s == "" || len(s) > 249 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// loadOffsets reads every committed offset in a topic's groups directory
// and removes temporary files left by an interrupted commit.
func loadOffsets(dir string) (map[string]int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing committed offsets in %s: %w", dir, err)
	}
	offs := make(map[string]int64)
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, tmpSuffix) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("removing interrupted commit %s: %w", name, err)
			}
			continue
		}
		group, ok := strings.CutSuffix(name, offsetSuffix)
		if !ok || !validName(group) {
			continue
		}
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading committed offset %s: %w", path, err)
		}
		off, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || off < 0 {
			return nil, fmt.Errorf("parsing committed offset %s: %q is not an offset", path, b)
		}
		offs[group] = off
	}
	return offs, nil
}

// writeOffset durably replaces the committed offset of group in dir: it
// writes a temporary file, fsyncs it, renames it over the old one and
// fsyncs the directory.
func writeOffset(dir, group string, next int64) error {
	path := filepath.Join(dir, group+offsetSuffix)
	tmp := path + tmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("creating %s: %w", tmp, err)
	}
	_, err = f.WriteString(strconv.FormatInt(next, 10) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming %s to %s: %w", tmp, path, err)
	}
	return syncDir(dir)
}
