package filesrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

// badFileRejects returns the bad_file rejects.
func badFileRejects(rs []ingest.Reject) []ingest.Reject {
	var out []ingest.Reject
	for _, r := range rs {
		if r.Code == CodeBadFile {
			out = append(out, r)
		}
	}
	return out
}

// checkFailed checks that name is in failed/ with a reason containing
// why, and that one bad_file reject named it.
func checkFailed(t *testing.T, s *Source, r run, name, why string) {
	t.Helper()
	failed := filepath.Join(s.dir, failedDir)
	if got := dirNames(t, failed); !slices.Equal(got, []string{name, name + ".reason.txt"}) {
		t.Errorf("failed/ holds %q", got)
	}
	reason, err := os.ReadFile(filepath.Join(failed, name+".reason.txt"))
	if err != nil || !strings.Contains(string(reason), why) || !strings.HasPrefix(string(reason), "2026-11-26T08:00:00Z") {
		t.Errorf("reason %q (%v), want the time and %q", reason, err, why)
	}
	bad := badFileRejects(r.rejects)
	if len(bad) != 1 || !strings.HasPrefix(bad[0].Message, name+": ") || !strings.Contains(bad[0].Message, why) {
		t.Errorf("bad_file rejects %+v", bad)
	}
}

func TestUnreadableFilesGoToFailedAndOthersGoOn(t *testing.T) {
	big := gz(t, lines(2500))
	for _, tc := range []struct {
		name, why string
		body      []byte
	}{
		{"corrupt-header.jsonl.gz", "gzip", []byte("this is not gzip at all")},
		{"empty.csv.gz", "gzip", nil},
		{"no-header.csv", "no header row", []byte("\ufeff")},
		{"repeated-column.csv", `"text" twice`, []byte("text,text\na,b\n")},
		{"not-an-array.json", "not a JSON array", []byte(`"just a string"`)},
		{"too-big.json", "over 64 bytes", []byte(`[{"text":"0123456789"},{"text":"0123456789"},{"text":"0123456789"}]`)},
		{"truncated.json.gz", "unexpected EOF", gz(t, []byte(jsonBody))[:40]},
		{"broken-header-row.csv", "header row", []byte("\"text\nok\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSource(t, configs.Source{})
			s.maxJSON = 64
			put(t, s, tc.name, tc.body, 0)
			put(t, s, "good.jsonl", []byte(`{"text":"good"}`), time.Hour)
			var r run
			b := r.step(t, s, true)
			if len(b.Posts) != 0 || len(b.Rejects) != 1 || !b.More {
				t.Errorf("bad file's batch: %d posts, rejects %+v, More %v", len(b.Posts), b.Rejects, b.More)
			}
			r.poll(t, s, 3)
			checkFailed(t, s, r, tc.name, tc.why)
			if got := r.texts(); !slices.Equal(got, []string{"good"}) {
				t.Errorf("texts %q", got)
			}
			if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{"good.jsonl"}) {
				t.Errorf("done/ holds %q", got)
			}
		})
	}
	for _, name := range []string{"cut.jsonl.gz", "cut.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			body := big
			if strings.HasPrefix(filepath.Ext(strings.TrimSuffix(name, ".gz")), ".csv") {
				body = gz(t, bigFile("csv", 2500))
			}
			s := newSource(t, configs.Source{})
			put(t, s, name, body[:len(body)*2/3], 0)
			put(t, s, "good.jsonl", []byte(`{"text":"good"}`), time.Hour)
			var r run
			r.poll(t, s, 6)
			checkFailed(t, s, r, name, "unexpected EOF")
			n := len(r.posts) - 1 // the last one is good.jsonl's
			if n < 1000 || n >= 2500 || r.posts[n].Text != "good" {
				t.Fatalf("%d posts before the break", n)
			}
			for i, p := range r.posts[:n] {
				if p.Text != fmt.Sprintf("line %d", i) {
					t.Fatalf("post %d is %q", i, p.Text)
				}
			}
			if bad := badFileRejects(r.rejects); len(bad) == 1 && bad[0].Index != n {
				t.Errorf("bad_file index %d, want the records before it, %d", bad[0].Index, n)
			}
		})
	}
}

func TestVanishedFileIsSkipped(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "gone.jsonl", []byte(`{"text":"gone"}`), 0)
	put(t, s, "gone.json", []byte(`[{"text":"gone"}]`), 1)
	put(t, s, "gone.csv", []byte("text\ngone\n"), 2)
	put(t, s, "here.jsonl", []byte(`{"text":"here"}`), time.Hour)
	s.listed = func(files []entry) {
		for _, f := range files {
			if strings.HasPrefix(f.id.Name, "gone") {
				os.Remove(filepath.Join(s.dir, f.id.Name))
			}
		}
	}
	var r run
	r.poll(t, s, 3)
	if got := r.texts(); !slices.Equal(got, []string{"here"}) || len(r.rejects) != 0 {
		t.Errorf("texts %q rejects %+v", got, r.rejects)
	}
	if got := dirNames(t, filepath.Join(s.dir, failedDir)); len(got) != 0 {
		t.Errorf("failed/ holds %q", got)
	}
}

func TestCursorFileGoneTakesOldest(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "a.jsonl", lines(5), 0)
	put(t, s, "b.jsonl", []byte(`{"text":"b"}`), time.Hour)
	s.batch = 2
	var r run
	r.step(t, s, true)
	os.Remove(filepath.Join(s.dir, "a.jsonl")) // an operator took it away
	r.poll(t, s, 3)
	if got := r.texts(); !slices.Equal(got, []string{"line 0", "line 1", "b"}) {
		t.Errorf("texts %q", got)
	}
}

func TestIgnoresTempDotOtherFilesAndSubfolders(t *testing.T) {
	s := newSource(t, configs.Source{})
	ignored := []string{".hidden.jsonl", "writing.jsonl.tmp", "writing.csv.part", "notes.txt", "data.jsonl.zip"}
	for _, n := range ignored {
		put(t, s, n, []byte(`{"text":"no"}`), 0)
	}
	if err := os.Mkdir(filepath.Join(s.dir, "dir.jsonl"), 0o755); err != nil {
		t.Fatal(err)
	}
	put(t, s, filepath.Join(doneDir, "old.jsonl"), []byte(`{"text":"no"}`), 0)
	put(t, s, filepath.Join(failedDir, "bad.jsonl"), []byte(`{"text":"no"}`), 0)
	put(t, s, "in.jsonl", []byte(`{"text":"yes"}`), time.Hour)
	var r run
	r.poll(t, s, 3)
	if got := r.texts(); !slices.Equal(got, []string{"yes"}) {
		t.Errorf("texts %q", got)
	}
	if got := dirNames(t, s.dir); !slices.Equal(got, slices.Sorted(slices.Values(ignored))) {
		t.Errorf("drop folder holds %q", got)
	}
	if b, err := s.Read(context.Background(), r.cursor); err != nil || len(b.Posts) != 0 || b.More {
		t.Errorf("after all: %+v, %v", b, err)
	}
}

func TestFormatFilter(t *testing.T) {
	for _, format := range []string{"csv", "csv.gz"} {
		s := newSource(t, configs.Source{Format: format})
		put(t, s, "a.jsonl", []byte(`{"text":"jsonl"}`), 0)
		put(t, s, "b.json", []byte(`[{"text":"json"}]`), 0)
		put(t, s, "c.csv", []byte("text\ncsv\n"), 1)
		put(t, s, "d.csv.gz", gz(t, []byte("text\ncsv gz\n")), 2)
		var r run
		r.poll(t, s, 4)
		if got := r.texts(); !slices.Equal(got, []string{"csv", "csv gz"}) {
			t.Errorf("format %s: texts %q", format, got)
		}
	}
	if _, err := New(configs.Source{Name: "x", Path: t.TempDir(), Format: "xml"}, ingest.DefaultLimits(), nil, nil); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("format xml: %v", err)
	}
}

func TestNewCreatesFoldersOrNamesThePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "drop")
	if _, err := New(configs.Source{Name: "x", Path: dir}, ingest.DefaultLimits(), nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, doneDir), filepath.Join(dir, failedDir)} {
		if info, err := os.Stat(d); err != nil || !info.IsDir() {
			t.Errorf("%s: %v", d, err)
		}
	}
	file := filepath.Join(t.TempDir(), "plain-file")
	os.WriteFile(file, nil, 0o644)
	_, err := New(configs.Source{Name: "x", Path: filepath.Join(file, "drop")}, ingest.DefaultLimits(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("path under a file: %v", err)
	}
}

func TestReadHonoursContext(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "a.jsonl", lines(3), 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Read(ctx, nil); err != context.Canceled {
		t.Errorf("Read on a cancelled context: %v", err)
	}
}
