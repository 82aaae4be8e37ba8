package evalset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := "\ufeff0\t你好，世界\r\n\n1\t带\t制表符\n  2 \t 空格 \n"
	rows, err := Read(strings.NewReader(in), "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{1, "0", "你好，世界"}, {3, "1", "带\t制表符"}, {4, "2", "空格"}}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no tab", "0\tok\nno tab here\n", "x.tsv:2: malformed line: no tab"},
		{"empty label", "0\tok\n\n\tabc\n", "x.tsv:3: malformed line: empty label"},
		{"empty text", "0\t  \n", "x.tsv:1: malformed line: empty text"},
		{"bad utf8", "0\tok\n1\t\xff\xfe\n", "x.tsv:2: malformed line: invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "x.tsv")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want prefix %q", err, tt.want)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("err %v does not wrap ErrSyntax", err)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.tsv")
	if err := os.WriteFile(p, []byte("a\tb\nbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+":2: ") {
		t.Fatalf("err = %v, want %s:2: prefix", err, p)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.tsv")); err == nil {
		t.Fatal("missing file: no error")
	}
}
