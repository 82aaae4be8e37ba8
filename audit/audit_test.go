package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/state/localstate"
)

func TestDiff(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"x\n", "x\n", ""},
		{"", "a\n", "@@ -1,0 +1,1 @@\n+a\n"},
		{"a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nX\n3\n4\n5\n6\n7\nY\n9\n",
			"@@ -1,4 +1,4 @@\n 1\n-2\n+X\n 3\n 4\n@@ -6,4 +6,4 @@\n 6\n 7\n-8\n+Y\n 9\n"},
		{"a\nb\n", "b\n", "@@ -1,2 +1,1 @@\n-a\n b\n"},
	} {
		if got := Diff(tc.a, tc.b); got != tc.want {
			t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tc.a, tc.b, got, tc.want)
		}
	}
}

func logs(t *testing.T, now func() time.Time) map[string]Log {
	dir := t.TempDir()
	f, err := OpenFiles(filepath.Join(dir, "audit"), 3*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	st, err := localstate.Open(filepath.Join(dir, "s.db"), localstate.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return map[string]Log{"files": f, "state": NewState(st, 3*24*time.Hour, now)}
}

func TestLogSearchAndRetention(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for name, l := range logs(t, clock) {
		t.Run(name, func(t *testing.T) {
			entries := []Entry{
				{Time: now.Add(-10 * 24 * time.Hour), Actor: "old", Action: ActionLogin},
				{Time: now.Add(-2 * time.Hour), Actor: "alice", Action: ActionSearch, Detail: "电信诈骗", Fields: map[string]any{"total": 3}},
				{Time: now.Add(-time.Hour), Actor: "bob", Action: ActionAlertAck, Target: "a1"},
				{Time: now.Add(-30 * time.Minute), Actor: "alice", Action: ActionRevealPII, Target: "doc9", Detail: "case 17"},
			}
			for _, e := range entries {
				if err := l.Append(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			if f, ok := l.(*Files); ok {
				f.Prune()
			}
			check := func(q Query, want ...string) {
				t.Helper()
				got, err := l.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var acts []string
				for _, e := range got {
					acts = append(acts, e.Action)
				}
				if len(acts) != len(want) {
					t.Fatalf("Search(%+v) = %v, want %v", q, acts, want)
				}
				for i := range want {
					if acts[i] != want[i] {
						t.Fatalf("Search(%+v) = %v, want %v", q, acts, want)
					}
				}
			}
			check(Query{}, ActionRevealPII, ActionAlertAck, ActionSearch)
			check(Query{Actor: "alice"}, ActionRevealPII, ActionSearch)
			check(Query{Action: ActionAlertAck}, ActionAlertAck)
			check(Query{Q: "诈骗"}, ActionSearch)
			check(Query{Since: now.Add(-90 * time.Minute), Until: now.Add(-45 * time.Minute)}, ActionAlertAck)
			check(Query{Limit: 1}, ActionRevealPII)
		})
	}
}

func TestFilesAppendOnly(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f, _ := OpenFiles(dir, 0, func() time.Time { return now })
	f.Append(context.Background(), Entry{Actor: "a", Action: ActionLogin})
	before, _ := os.ReadFile(filepath.Join(dir, "2026-11-25.jsonl"))
	// Another process (the CLI) appends to the same file.
	g, _ := OpenFiles(dir, 0, func() time.Time { return now })
	g.Append(context.Background(), Entry{Time: now.Add(time.Second), Actor: "b", Action: ActionUserAdd})
	after, _ := os.ReadFile(filepath.Join(dir, "2026-11-25.jsonl"))
	if string(after[:len(before)]) != string(before) {
		t.Fatal("earlier entries changed")
	}
	es, _ := f.Search(context.Background(), Query{})
	if len(es) != 2 || es[1].Actor != "a" {
		t.Fatalf("%+v", es)
	}
}
