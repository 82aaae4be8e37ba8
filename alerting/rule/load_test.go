package rule

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRuleLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeTemp(t, dir, "b.yml", "id: b\nseverity: P2\ntype: any\nmatch: y\n")
	writeTemp(t, dir, "a.yaml", "id: a\nseverity: P1\ntype: any\nmatch: x\n")
	writeTemp(t, dir, "notes.txt", "not a rule")
	if err := os.Mkdir(filepath.Join(dir, "examples"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTemp(t, filepath.Join(dir, "examples"), "a.yaml", "rule: a\n")
	rs, err := LoadDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != "a" || rs[1].ID != "b" || rs[0].File != filepath.Join(dir, "a.yaml") {
		t.Fatalf("got %+v, want a then b", rs)
	}

	writeTemp(t, dir, "c.yaml", "# again\nid: a\nseverity: P3\ntype: any\nmatch: z\n")
	rs, err = LoadDir(dir, Options{})
	want := filepath.Join(dir, "c.yaml") + ":2: rule a: id: duplicate id, first defined at " + filepath.Join(dir, "a.yaml") + ":1"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if len(rs) != 2 {
		t.Errorf("%d valid rules returned beside the error, want 2", len(rs))
	}

	if _, err := LoadDir(filepath.Join(dir, "missing"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: %v", err)
	}
	_, err = LoadFiles([]string{filepath.Join(dir, "nope.yaml")}, Options{})
	if err == nil || !strings.HasSuffix(err.Error(), "nope.yaml: open: no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParseFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(packsDir, "*.yaml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte("- &a {id: a, severity: P1, type: any, match: x}\n- *a\n"))
	f.Add([]byte("id: a\nrequire: {min_posts: 1}\nfilter: {categories: {fraud: 2}}\nactive_time: ['mon-sun 24:00-01:00']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseFile("f.yaml", data, Options{})
		for _, r := range rs {
			if len(r.Version) != 12 {
				t.Fatalf("rule %q without a version", r.ID)
			}
		}
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				if !strings.HasPrefix(e.Error(), "f.yaml") {
					t.Fatalf("error %q does not name the file", e)
				}
			}
			return
		}
		out, err := Marshal(rs)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseFile("f.yaml", out, Options{})
		if err != nil || len(back) != len(rs) {
			t.Fatalf("Marshal output does not read back: %v\n%s", err, out)
		}
		for i := range rs {
			if back[i].Version != rs[i].Version {
				t.Fatalf("rule %s: version changed on a round trip\n%s", rs[i].ID, out)
			}
		}
	})
}
