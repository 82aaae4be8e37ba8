package filesrc

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

var testNow = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// newSource returns a file source on a fresh drop folder (src.Path is
// set when empty).
func newSource(t *testing.T, src configs.Source) *Source {
	t.Helper()
	if src.Path == "" {
		src.Path = t.TempDir()
	}
	if src.Name == "" {
		src.Name = "drop"
	}
	s, err := New(src, ingest.DefaultLimits(), func() time.Time { return testNow }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// put writes a file into the drop folder with modification time base+age.
func put(t *testing.T, s *Source, name string, content []byte, age time.Duration) {
	t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	mt := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC).Add(age)
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// run is what a Runner does with a source over polls: Read, store the
// cursor, Ack, again while More.
type run struct {
	cursor  []byte
	posts   []ingest.Post
	rejects []ingest.Reject
	batches []collect.Batch
}

// poll reads until a batch says no More (at most limit batches).
func (r *run) poll(t *testing.T, s *Source, limit int) {
	t.Helper()
	for range limit {
		b := r.step(t, s, true)
		if !b.More {
			return
		}
	}
	t.Fatalf("still More after %d batches", limit)
}

// step reads one batch, stores its cursor and runs its Ack if ack.
func (r *run) step(t *testing.T, s *Source, ack bool) collect.Batch {
	t.Helper()
	ctx := context.Background()
	b, err := s.Read(ctx, r.cursor)
	if err != nil {
		t.Fatalf("Read(%s): %v", r.cursor, err)
	}
	r.batches = append(r.batches, b)
	r.posts = append(r.posts, b.Posts...)
	r.rejects = append(r.rejects, b.Rejects...)
	if b.Cursor != nil {
		r.cursor = b.Cursor
	}
	if ack && b.Ack != nil {
		if err := b.Ack(ctx); err != nil {
			t.Fatalf("Ack: %v", err)
		}
	}
	return b
}

func (r *run) texts() []string {
	var out []string
	for _, p := range r.posts {
		out = append(out, p.Text)
	}
	return out
}

// dirNames lists a folder's file names, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		if !de.IsDir() {
			out = append(out, de.Name())
		}
	}
	slices.Sort(out)
	return out
}
