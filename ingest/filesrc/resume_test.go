package filesrc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/configs"
)

// bigFile returns a file of n records in a format.
func bigFile(format string, n int) []byte {
	var b strings.Builder
	switch format {
	case "jsonl":
		return lines(n)
	case "json":
		b.WriteString("[\n")
		for i := range n {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "{\"text\":\"line %d\"}", i)
		}
		b.WriteString("\n]\n")
	case "csv":
		b.WriteString("text\n")
		for i := range n {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}
	return []byte(b.String())
}

func TestCrashResumeEmitsEveryRecordOnce(t *testing.T) {
	for _, name := range []string{"f.jsonl", "f.jsonl.gz", "f.json", "f.json.gz", "f.csv", "f.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			format, gzipped, _ := fileFormat(name)
			body := bigFile(format, 2500)
			if gzipped {
				body = gz(t, body)
			}
			dir := t.TempDir()
			first := newSource(t, configs.Source{Path: dir})
			put(t, first, name, body, 0)
			var r run
			b1 := r.step(t, first, true)
			if len(b1.Posts) != 1000 || !b1.More || b1.Ack != nil {
				t.Fatalf("first batch: %d posts, More %v", len(b1.Posts), b1.More)
			}
			// The process dies after the second batch was produced but
			// before its cursor was stored: the new one reads it again.
			lost, err := first.Read(context.Background(), r.cursor)
			if err != nil {
				t.Fatal(err)
			}
			second := newSource(t, configs.Source{Path: dir})
			r.poll(t, second, 5)
			if len(r.posts) != 2500 || len(r.rejects) != 0 {
				t.Fatalf("%d posts, rejects %v", len(r.posts), r.rejects)
			}
			seen := map[string]bool{}
			for i, p := range r.posts {
				if seen[p.ID] || p.Text != fmt.Sprintf("line %d", i) {
					t.Fatalf("post %d: %+v (seen %v)", i, p, seen[p.ID])
				}
				seen[p.ID] = true
			}
			for i, p := range lost.Posts {
				if p.ID != r.posts[1000+i].ID {
					t.Fatalf("re-read post %d has id %s, first read %s", i, r.posts[1000+i].ID, p.ID)
				}
			}
			if got := dirNames(t, filepath.Join(dir, doneDir)); !slices.Equal(got, []string{name}) {
				t.Errorf("done/ holds %q", got)
			}
		})
	}
}

// TestResumeAtEveryRecord reads files in batches of one to four records,
// each by a new Source from the last cursor, and expects exactly what one
// read in one go finds: the same posts and the same reject lines.
func TestResumeAtEveryRecord(t *testing.T) {
	files := map[string]string{
		"m.jsonl": "\ufeff{\"text\":\"a\"}\n\n{\"text\":\"\"}\r\n{\"text\":\"b\"}\n\n\nbad\n{\"text\":\"c\"}",
		"m.json":  "\ufeff[{\"text\":\"a\"},\n{\"text\":\"\"},\n\n{\"text\":\n\"b\"},{\"text\":\"c\"}, {\"bad\"}",
		"m.csv":   "\ufefftext,author\r\na,x\r\n\"b\nover\n\nlines\",y\r\n\r\n,z\none,two,three\n\"c\",w\n\"unclosed,v\n",
	}
	wantLines := map[string][]int{"m.jsonl": {3, 7}, "m.json": {2, 5}, "m.csv": {8, 9, 11}}
	for name, body := range files {
		for _, zip := range []bool{false, true} {
			name, data := name, []byte(body)
			if zip {
				name, data = name+".gz", gz(t, data)
			}
			t.Run(name, func(t *testing.T) {
				whole := newSource(t, configs.Source{})
				put(t, whole, name, data, 0)
				var want run
				want.poll(t, whole, 3)
				if len(want.posts) < 3 || len(want.rejects) < 2 {
					t.Fatalf("whole read: posts %q rejects %+v", want.texts(), want.rejects)
				}
				var rejLines []int
				for _, rj := range want.rejects {
					rejLines = append(rejLines, rj.Line)
				}
				if base := strings.TrimSuffix(name, ".gz"); !slices.Equal(rejLines, wantLines[base]) {
					t.Errorf("reject lines %v, want %v: %+v", rejLines, wantLines[base], want.rejects)
				}
				for size := 1; size <= 4; size++ {
					dir := t.TempDir()
					var got run
					for i := 0; ; i++ {
						s := newSource(t, configs.Source{Path: dir})
						s.batch = size
						if i == 0 {
							put(t, s, name, data, 0)
						}
						if b := got.step(t, s, true); !b.More {
							break
						}
						if i > 20 {
							t.Fatal("no end")
						}
					}
					if !reflect.DeepEqual(got.posts, want.posts) || !reflect.DeepEqual(got.rejects, want.rejects) {
						t.Errorf("batches of %d:\n got %q %+v\nwant %q %+v", size, got.texts(), got.rejects, want.texts(), want.rejects)
					}
				}
			})
		}
	}
}

func TestCursorStoredAckNotRunMovesFileOnly(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "a.jsonl", lines(3), 0)
	put(t, s, "b.jsonl", lines(2), 1)
	var r run
	b := r.step(t, s, false) // the process dies before the Ack
	if len(b.Posts) != 3 || b.Ack == nil || !b.More {
		t.Fatalf("first batch: %d posts, Ack %v, More %v", len(b.Posts), b.Ack != nil, b.More)
	}
	again := newSource(t, configs.Source{Path: s.dir})
	b = r.step(t, again, true)
	if len(b.Posts) != 0 || len(b.Rejects) != 0 || b.Ack == nil {
		t.Fatalf("after the crash: %d posts, %d rejects, Ack %v", len(b.Posts), len(b.Rejects), b.Ack != nil)
	}
	if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{"a.jsonl"}) {
		t.Errorf("done/ holds %q", got)
	}
	r.poll(t, again, 3)
	if len(r.posts) != 5 {
		t.Errorf("%d posts in all, want 3 + 2", len(r.posts))
	}
	if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{"a.jsonl", "b.jsonl"}) {
		t.Errorf("done/ holds %q", got)
	}
}

func TestAckIsIdempotentAndKeepsSameNamedFiles(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "a.jsonl", lines(1), 0)
	var r run
	b := r.step(t, s, true)
	if err := b.Ack(context.Background()); err != nil {
		t.Errorf("second Ack: %v", err)
	}
	// A new file of the same name comes in: it is read, and kept beside
	// the first in done/.
	put(t, s, "a.jsonl", []byte(`{"text":"again"}`), 1)
	r.poll(t, s, 3)
	if got := r.texts(); !slices.Equal(got, []string{"line 0", "again"}) {
		t.Errorf("texts %q", got)
	}
	done := dirNames(t, filepath.Join(s.dir, doneDir))
	if len(done) != 2 || done[0] != "a-20261126T080000.000000000Z.jsonl" || done[1] != "a.jsonl" {
		t.Errorf("done/ holds %q", done)
	}
	first, _ := os.ReadFile(filepath.Join(s.dir, doneDir, "a.jsonl"))
	if string(first) != string(lines(1)) {
		t.Errorf("done/a.jsonl was overwritten: %q", first)
	}
}

func TestBadCursorIsRefused(t *testing.T) {
	s := newSource(t, configs.Source{})
	for _, c := range []string{`{"v":2}`, `not json`} {
		if _, err := s.Read(context.Background(), []byte(c)); err == nil {
			t.Errorf("cursor %s accepted", c)
		}
	}
	if b, err := s.Read(context.Background(), nil); err != nil || b.More || b.Cursor != nil {
		t.Errorf("empty folder: %+v, %v", b, err)
	}
	var c cursor
	if err := json.Unmarshal(cursor{}.encode(), &c); err != nil || c.V != cursorVersion {
		t.Errorf("empty cursor %s", cursor{}.encode())
	}
}
