package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// recheck is how often a reader looks at the files' mtimes.
const recheck = time.Second

// OpenDir returns the directory kept in dir (DATA/auth): users.json and
// tokens.json, replaced atomically (write, fsync, rename) under an
// exclusive lock on dir/.lock, so that the CLI may edit them while the
// server runs. Readers re-read them when their mtime or size changed,
// looking at most once a second. now is the clock (nil: time.Now).
func OpenDir(dir string, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{b: &fileBackend{dir: dir}, now: now}
}

type fileBackend struct {
	dir string

	mu      sync.Mutex
	checked time.Time
	stamp   [2]fileStamp
	cache   snapshot
	loaded  bool
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func (b *fileBackend) paths() [2]string {
	return [2]string{filepath.Join(b.dir, "users.json"), filepath.Join(b.dir, "tokens.json")}
}

func (b *fileBackend) stamps() [2]fileStamp {
	var out [2]fileStamp
	for i, p := range b.paths() {
		if fi, err := os.Stat(p); err == nil {
			out[i] = fileStamp{fi.ModTime(), fi.Size()}
		}
	}
	return out
}

func (b *fileBackend) read(context.Context) (snapshot, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.loaded && time.Since(b.checked) < recheck {
		return b.cache, nil
	}
	b.checked = time.Now()
	st := b.stamps()
	if b.loaded && st == b.stamp {
		return b.cache, nil
	}
	s, err := b.load()
	if err != nil {
		return snapshot{}, err
	}
	b.cache, b.stamp, b.loaded = s, st, true
	return s, nil
}

func (b *fileBackend) load() (snapshot, error) {
	var s snapshot
	p := b.paths()
	if err := readJSON(p[0], &s.Users); err != nil {
		return s, err
	}
	return s, readJSON(p[1], &s.Tokens)
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

func (b *fileBackend) update(_ context.Context, f func(*snapshot) error) error {
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", b.dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(b.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("opening lock file: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking %s: %w", b.dir, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing unlocks too
	s, err := b.load()
	if err != nil {
		return err
	}
	if err := f(&s); err != nil {
		return err
	}
	p := b.paths()
	if err := writeAtomic(p[0], s.Users); err != nil {
		return err
	}
	if err := writeAtomic(p[1], s.Tokens); err != nil {
		return err
	}
	b.mu.Lock()
	b.cache, b.stamp, b.loaded, b.checked = s, b.stamps(), true, time.Now()
	b.mu.Unlock()
	return nil
}

// writeAtomic writes v as JSON to path through a temporary file, fsynced
// and renamed over path, then fsyncs the directory.
func writeAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if string(data) == "null" {
		data = []byte("[]")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
