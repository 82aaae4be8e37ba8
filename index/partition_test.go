package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/testclock"
)

var cst = DefaultLocation

// day returns hour h of 2026-11-d in Asia/Shanghai.
func day(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, cst) }

func openWith(t *testing.T, dir string, o Options) *Index {
	t.Helper()
	ix, err := OpenWith(dir, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func post(id string, at time.Time, text string) ingest.Post {
	return ingest.Post{ID: id, Source: "weibo", Kind: "post", Text: text, PublishedAt: at}
}

func mustIndex(t *testing.T, ix *Index, posts ...ingest.Post) {
	t.Helper()
	if err := ix.Index(context.Background(), testDocs(t, posts...)); err != nil {
		t.Fatal(err)
	}
}

// memberNames lists the members of an alias searchIndex returned.
func memberNames(t *testing.T, idx bleve.Index) []string {
	t.Helper()
	v, ok := idx.(interface{ VisitIndexes(func(bleve.Index)) })
	if !ok {
		t.Fatalf("%T is not a bleve alias", idx)
	}
	var names []string
	v.VisitIndexes(func(i bleve.Index) { names = append(names, i.Name()) })
	return names
}

func partitionKeys(ix *Index) []string {
	var keys []string
	for _, p := range ix.Partitions() {
		keys = append(keys, p.Key)
	}
	return keys
}

func searchIDs(t *testing.T, ix *Index, req Request) []string {
	t.Helper()
	req.Size = MaxSize
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// checkOneCopy asserts that every doc is in exactly one partition and
// that the id map names that partition.
func checkOneCopy(t *testing.T, ix *Index) {
	t.Helper()
	seen := map[string]string{}
	for _, p := range ix.Partitions() {
		ids, err := partitionIDs(ix.partition(p.Key).idx)
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, len(ids))
		if err := ix.meta.lookup(ids, keys); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			if other, dup := seen[id]; dup {
				t.Errorf("doc %s is in partitions %s and %s", id, other, p.Key)
			}
			seen[id] = p.Key
			if keys[i] != p.Key {
				t.Errorf("doc %s is in partition %s, the id map says %q", id, p.Key, keys[i])
			}
		}
	}
}

func TestPeriodBounds(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		p          Period
		loc        *time.Location
		t          time.Time
		key        string
		start, end time.Time
	}{
		// 16:00 UTC is midnight in Shanghai: the analysts' next day.
		{PeriodDay, cst, time.Date(2026, 11, 24, 16, 0, 0, 0, utc), "2026-11-25", day(25, 0), day(26, 0)},
		{PeriodDay, cst, time.Date(2026, 11, 24, 15, 59, 59, 0, utc), "2026-11-24", day(24, 0), day(25, 0)},
		{PeriodDay, utc, time.Date(2026, 11, 24, 16, 0, 0, 0, utc), "2026-11-24",
			time.Date(2026, 11, 24, 0, 0, 0, 0, utc), time.Date(2026, 11, 25, 0, 0, 0, 0, utc)},
		{PeriodWeek, cst, day(25, 12), "2026-W48", day(23, 0), day(30, 0)},
		{PeriodWeek, cst, day(23, 0), "2026-W48", day(23, 0), day(30, 0)},
		{PeriodWeek, cst, day(22, 23), "2026-W47", day(16, 0), day(23, 0)},
		// 1 January 2027 is a Friday in ISO week 53 of 2026.
		{PeriodWeek, cst, time.Date(2027, 1, 1, 9, 0, 0, 0, cst), "2026-W53",
			time.Date(2026, 12, 28, 0, 0, 0, 0, cst), time.Date(2027, 1, 4, 0, 0, 0, 0, cst)},
		{PeriodMonth, cst, time.Date(2026, 11, 30, 16, 30, 0, 0, utc), "2026-12",
			time.Date(2026, 12, 1, 0, 0, 0, 0, cst), time.Date(2027, 1, 1, 0, 0, 0, 0, cst)},
	}
	for _, tc := range tests {
		key, start, end := tc.p.bounds(tc.t, tc.loc)
		if key != tc.key || !start.Equal(tc.start) || !end.Equal(tc.end) {
			t.Errorf("%s bounds of %v in %v = %s [%v, %v), want %s [%v, %v)",
				tc.p, tc.t, tc.loc, key, start, end, tc.key, tc.start, tc.end)
		}
		if !tc.p.isKey(key) {
			t.Errorf("%s: %s is not a key", tc.p, key)
		}
	}
	for _, tc := range []struct {
		p    Period
		name string
		ok   bool
	}{
		{PeriodDay, "2026-02-28", true}, {PeriodDay, "2026-02-29", false}, {PeriodDay, "2026-11", false},
		{PeriodDay, "notes", false}, {PeriodWeek, "2026-W53", true}, {PeriodWeek, "2027-W53", false},
		{PeriodWeek, "2026-W00", false}, {PeriodWeek, "2026-11-25", false}, {PeriodMonth, "2026-11", true},
		{PeriodMonth, "2026-13", false},
	} {
		if got := tc.p.isKey(tc.name); got != tc.ok {
			t.Errorf("%s isKey(%q) = %v", tc.p, tc.name, got)
		}
	}
}

func TestDocsLandInTheirPartitions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix := openWith(t, dir, Options{})
	mustIndex(t, ix,
		post("a", day(20, 9), "杭州市西湖区一小区发生火灾"),
		post("b", day(20, 23), "消防已到场，暂无人员伤亡"),
		post("c", day(21, 0), "公安局民警提醒谨防诈骗"),
		// 23:30 UTC on the 21st is already the 22nd in Shanghai.
		post("d", time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC), "今天上午举行火灾逃生演习"),
		post("e", day(25, 12), "地铁站早高峰客流平稳"),
	)
	want := map[string]uint64{"2026-11-20": 2, "2026-11-21": 1, "2026-11-22": 1, "2026-11-25": 1}
	got := map[string]uint64{}
	for _, p := range ix.Partitions() {
		got[p.Key] = p.Docs
		if _, err := os.Stat(filepath.Join(dir, p.Key, "index_meta.json")); err != nil {
			t.Errorf("partition %s has no bleve index on disk: %v", p.Key, err)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("partitions %v, want %v", got, want)
	}
	if n, err := ix.Count(); err != nil || n != 5 {
		t.Fatalf("count = %d, %v", n, err)
	}
	checkOneCopy(t, ix)

	// Week and month partitions hold the same docs in fewer indexes.
	for _, tc := range []struct {
		p    Period
		want []string
	}{{PeriodWeek, []string{"2026-W47", "2026-W48"}}, {PeriodMonth, []string{"2026-11"}}} {
		ix := openWith(t, filepath.Join(t.TempDir(), string(tc.p)), Options{Partition: tc.p})
		mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("e", day(25, 12), "火灾"))
		if got := partitionKeys(ix); !slices.Equal(got, tc.want) {
			t.Errorf("%s partitions %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestSearchIndexTouchesOnlyItsRange(t *testing.T) {
	ix := openWith(t, filepath.Join(t.TempDir(), "idx"), Options{})
	ctx := context.Background()
	// Nothing indexed yet: an empty alias that answers 0 hits.
	if names := memberNames(t, ix.searchIndex(time.Time{}, time.Time{})); !slices.Equal(names, []string{"empty"}) {
		t.Fatalf("members of an empty index = %v", names)
	}
	if res, err := ix.Search(ctx, Request{}); err != nil || res.Total != 0 {
		t.Fatalf("search of an empty index: %v %+v", err, res)
	}
	if _, err := ix.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get from an empty index: %v", err)
	}

	mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(21, 9), "火灾"),
		post("c", day(22, 9), "火灾"), post("d", day(25, 9), "火灾"))
	tests := []struct {
		name     string
		from, to time.Time
		members  []string
		ids      []string
	}{
		{"unbounded", time.Time{}, time.Time{}, []string{"2026-11-20", "2026-11-21", "2026-11-22", "2026-11-25"}, []string{"a", "b", "c", "d"}},
		{"two days", day(21, 0), day(22, 12), []string{"2026-11-21", "2026-11-22"}, []string{"b", "c"}},
		{"to is exclusive", day(21, 0), day(22, 0), []string{"2026-11-21"}, []string{"b"}},
		{"within a day", day(22, 8), day(22, 10), []string{"2026-11-22"}, []string{"c"}},
		{"from only", day(22, 10), time.Time{}, []string{"2026-11-22", "2026-11-25"}, []string{"d"}},
		{"to only", time.Time{}, day(21, 0), []string{"2026-11-20"}, []string{"a"}},
		{"gap", day(23, 0), day(25, 0), []string{"empty"}, nil},
		{"UTC bounds", time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC), time.Time{}, []string{"2026-11-25"}, []string{"d"}},
	}
	for _, tc := range tests {
		if got := memberNames(t, ix.searchIndex(tc.from, tc.to)); !slices.Equal(got, tc.members) {
			t.Errorf("%s: searchIndex members %v, want %v", tc.name, got, tc.members)
		}
		if got := searchIDs(t, ix, Request{From: tc.from, To: tc.to}); !slices.Equal(got, tc.ids) {
			t.Errorf("%s: search found %v, want %v", tc.name, got, tc.ids)
		}
	}
	if n, err := ix.allIndex().DocCount(); err != nil || n != 4 {
		t.Errorf("allIndex count = %d, %v", n, err)
	}
}

func TestMovedDocKeepsOneCopy(t *testing.T) {
	ix := openWith(t, filepath.Join(t.TempDir(), "idx"), Options{})
	ctx := context.Background()
	mustIndex(t, ix, post("a", day(20, 9), "旧消息：小区发生火灾"), post("b", day(20, 10), "火灾"))
	// Re-sent later (a correction with a later time), then earlier.
	for _, at := range []time.Time{day(23, 9), day(19, 9), day(23, 12)} {
		mustIndex(t, ix, post("a", at, "更正：小区发生火灾"))
		if n, _ := ix.Count(); n != 2 {
			t.Fatalf("after moving a to %v: count %d, want 2", at, n)
		}
		d, err := ix.Get(ctx, "a")
		if err != nil || !d.PublishedAt.Equal(at) || !strings.Contains(d.Text, "更正") {
			t.Fatalf("get a after moving to %v: %v %v %q", at, err, d.PublishedAt, d.Text)
		}
		checkOneCopy(t, ix)
	}
	if got := searchIDs(t, ix, Request{Q: "火灾", From: day(20, 0), To: day(21, 0)}); !slices.Equal(got, []string{"b"}) {
		t.Errorf("the old day still finds %v", got)
	}
	// One batch holding the same id twice: the last one wins.
	mustIndex(t, ix, post("c", day(20, 9), "第一版"), post("c", day(24, 9), "第二版"))
	if d, err := ix.Get(ctx, "c"); err != nil || !d.PublishedAt.Equal(day(24, 9)) {
		t.Fatalf("get c: %v %v", err, d.PublishedAt)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Fatalf("count %d, want 3", n)
	}
	checkOneCopy(t, ix)
}

func TestRestartKeepsPartitionsAndIDMap(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(21, 9), "火灾"))
	before := ix.Partitions()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix = openWith(t, dir, Options{})
	after := ix.Partitions()
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("partitions before restart %v, after %v", before, after)
	}
	// The id map survived: moving a deletes the copy written before.
	mustIndex(t, ix, post("a", day(22, 9), "火灾更正"))
	if n, _ := ix.Count(); n != 2 {
		t.Fatalf("count %d after moving a across a restart, want 2", n)
	}
	if got := searchIDs(t, ix, Request{From: day(20, 0), To: day(21, 0)}); got != nil {
		t.Fatalf("old partition still holds %v", got)
	}
	checkOneCopy(t, ix)
}

var errCrash = errors.New("simulated crash")

// TestRetryRepairsAnInterruptedBatch interrupts a batch that moves a doc
// between its steps, reopens the index (a restart) and retries the batch,
// as the stage does with a batch it did not acknowledge.
func TestRetryRepairsAnInterruptedBatch(t *testing.T) {
	for _, step := range []string{"indexed", "written"} {
		t.Run(step, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			ix, err := Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(20, 10), "火灾"))
			moved := testDocs(t, post("a", day(23, 9), "火灾更正"), post("c", day(23, 10), "新消息"))
			ix.testCrash = func(s string) error {
				if s == step {
					return errCrash
				}
				return nil
			}
			if err := ix.Index(context.Background(), moved); !errors.Is(err, errCrash) {
				t.Fatalf("interrupted batch: %v", err)
			}
			if step == "indexed" {
				if n, _ := ix.Count(); n != 4 {
					t.Fatalf("count %d after the interruption, want 4 (a in both days until the retry)", n)
				}
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}

			ix = openWith(t, dir, Options{})
			if err := ix.Index(context.Background(), moved); err != nil {
				t.Fatal(err)
			}
			if n, _ := ix.Count(); n != 3 {
				t.Fatalf("count %d after the retry, want 3", n)
			}
			if d, err := ix.Get(context.Background(), "a"); err != nil || !d.PublishedAt.Equal(day(23, 9)) {
				t.Fatalf("get a: %v %v", err, d.PublishedAt)
			}
			checkOneCopy(t, ix)
		})
	}
}

func TestRetentionDropsOldPartitions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	clock := testclock.New(day(22, 12))
	o := Options{Retention: 3 * 24 * time.Hour, Now: clock.Now}
	ix := openWith(t, dir, o)
	ctx := context.Background()
	mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(22, 9), "火灾"),
		post("c", day(23, 9), "火灾"), post("d", day(25, 9), "火灾"))
	if got := partitionKeys(ix); len(got) != 4 {
		t.Fatalf("partitions %v", got)
	}
	clock.Set(day(26, 10))
	stale := ix.allIndex() // an alias taken before the drop

	// The cutoff is 23 Nov 10:00: the 20th and 22nd are wholly older.
	dropped, err := ix.DropExpired(ctx)
	if err != nil || !slices.Equal(dropped, []string{"2026-11-20", "2026-11-22"}) {
		t.Fatalf("dropped %v, %v", dropped, err)
	}
	for _, key := range dropped {
		if _, err := os.Stat(filepath.Join(dir, key)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("partition dir %s still there: %v", key, err)
		}
	}
	for _, id := range []string{"a", "b"} {
		if _, err := ix.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("get dropped %s: %v", id, err)
		}
	}
	if got := searchIDs(t, ix, Request{Q: "火灾"}); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("search after the drop found %v", got)
	}
	keys := make([]string, 2)
	if err := ix.meta.lookup([]string{"a", "b"}, keys); err != nil || keys[0]+keys[1] != "" {
		t.Errorf("id map still places a, b: %q %v", keys, err)
	}
	// A search on an alias from before the drop answers without them.
	res, err := stale.Search(bleve.NewSearchRequest(bleve.NewMatchAllQuery()))
	if err != nil || res.Total != 2 || res.Status.Failed != 0 {
		t.Errorf("stale alias: %v, total %d, status %+v", err, res.Total, res.Status)
	}

	// Docs already older than the retention are not indexed; an existing
	// doc re-sent with such a time loses its copy.
	mustIndex(t, ix, post("old", day(21, 9), "火灾"), post("c", day(20, 9), "火灾"))
	if got := partitionKeys(ix); !slices.Equal(got, []string{"2026-11-23", "2026-11-25"}) {
		t.Errorf("partitions after indexing expired docs %v", got)
	}
	if n, _ := ix.Count(); n != 1 {
		t.Errorf("count %d, want 1 (d)", n)
	}
	checkOneCopy(t, ix)

	// The drop survives a restart, and the next day drops the 23rd.
	ix.Close()
	ix = openWith(t, dir, o)
	if got := partitionKeys(ix); !slices.Equal(got, []string{"2026-11-23", "2026-11-25"}) {
		t.Fatalf("partitions after restart %v", got)
	}
	clock.Set(day(27, 1))
	if dropped, err := ix.DropExpired(ctx); err != nil || !slices.Equal(dropped, []string{"2026-11-23"}) {
		t.Fatalf("second drop %v, %v", dropped, err)
	}
	if got := searchIDs(t, ix, Request{}); !slices.Equal(got, []string{"d"}) {
		t.Errorf("left %v", got)
	}
}

func TestStartRetention(t *testing.T) {
	clock := testclock.New(day(20, 12))
	ix := openWith(t, filepath.Join(t.TempDir(), "idx"), Options{Retention: 24 * time.Hour, Now: clock.Now})
	mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(26, 9), "火灾"))
	clock.Set(day(26, 10))
	if _, err := ix.StartRetention(context.Background(), "every hour"); err == nil {
		t.Fatal("bad schedule accepted")
	}
	stop, err := ix.StartRetention(context.Background(), "@hourly")
	if err != nil {
		t.Fatal(err)
	}
	// The first run happens before StartRetention returns.
	if got := partitionKeys(ix); !slices.Equal(got, []string{"2026-11-26"}) {
		t.Errorf("partitions after start %v", got)
	}
	stop()

	// No retention: nothing runs.
	keep := openWith(t, filepath.Join(t.TempDir(), "keep"), Options{Now: clock.Now})
	mustIndex(t, keep, post("a", day(1, 9), "火灾"))
	stop, err = keep.StartRetention(context.Background(), "@every 1s")
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if n, _ := keep.Count(); n != 1 {
		t.Errorf("retention 0 dropped docs: count %d", n)
	}
}

func TestOpenRepairsLeftovers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustIndex(t, ix, post("a", day(20, 9), "火灾"), post("b", day(21, 9), "火灾"))
	ix.Close()
	// A directory the manifest does not list (a drop interrupted after its
	// manifest transaction), a partition whose directory was deleted by
	// hand, and a directory that is not a partition.
	os.MkdirAll(filepath.Join(dir, "2026-10-01", "store"), 0o750)
	os.RemoveAll(filepath.Join(dir, "2026-11-21"))
	os.MkdirAll(filepath.Join(dir, "notes"), 0o750)

	ix = openWith(t, dir, Options{})
	if got := partitionKeys(ix); !slices.Equal(got, []string{"2026-11-20"}) {
		t.Fatalf("partitions %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "2026-10-01")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stray partition dir kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes")); err != nil {
		t.Errorf("unrelated dir removed: %v", err)
	}
	keys := []string{"?"}
	if ix.meta.lookup([]string{"b"}, keys); keys[0] != "" {
		t.Errorf("id map still places b in %q", keys[0])
	}
	mustIndex(t, ix, post("b", day(21, 9), "火灾"))
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("count %d", n)
	}
	checkOneCopy(t, ix)
}

func TestOpenRefusesAnotherLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// No partitions yet: the period may still change.
	ix = openWith(t, dir, Options{Partition: PeriodWeek})
	mustIndex(t, ix, post("a", day(20, 9), "火灾"))
	ix.Close()
	for _, o := range []Options{{}, {Partition: PeriodWeek, Location: time.UTC}} {
		if _, err := OpenWith(dir, o, nil); !errors.Is(err, ErrIncompatible) {
			t.Errorf("open with %+v: %v, want ErrIncompatible", o, err)
		}
	}
	if _, err := OpenWith(dir, Options{Partition: "year"}, nil); err == nil {
		t.Error("period year accepted")
	}
	// An unpartitioned index from an earlier version.
	legacy := filepath.Join(t.TempDir(), "legacy")
	b, err := bleve.New(legacy, NewMapping())
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := Open(legacy, nil); !errors.Is(err, ErrIncompatible) {
		t.Errorf("open legacy index: %v, want ErrIncompatible", err)
	}
}

// TestConcurrentIndexSearchRetention runs batches, searches, gets and
// retention at once (go test -race), with the clock moving forward, and
// then checks that every doc has one copy.
func TestConcurrentIndexSearchRetention(t *testing.T) {
	clock := testclock.New(day(10, 12))
	ix := openWith(t, filepath.Join(t.TempDir(), "idx"), Options{Retention: 4 * 24 * time.Hour, Now: clock.Now})
	ctx := context.Background()
	const rounds = 12
	batches := make([][]ingest.Post, rounds)
	for r := range batches {
		for i := range 20 {
			// Ids repeat across rounds with moving times: docs move.
			at := day(6+r/2+i%4, i%24)
			batches[r] = append(batches[r], post(fmt.Sprintf("d%d", (r*7+i)%30), at, "杭州火灾消防到场"))
		}
	}
	docs := make([][]analysis.Doc, rounds)
	for r := range batches {
		docs[r] = testDocs(t, batches[r]...)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	done := make(chan struct{})
	var round atomic.Int64
	wg.Go(func() {
		defer close(done)
		for r := range rounds {
			round.Store(int64(r))
			if err := ix.Index(ctx, docs[r]); err != nil {
				errs <- fmt.Errorf("batch %d: %w", r, err)
				return
			}
		}
	})
	var dropped atomic.Int64
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			// The clock follows the batches: half a day per batch.
			clock.Set(day(10, 12).Add(time.Duration(round.Load()) * 12 * time.Hour))
			keys, err := ix.DropExpired(ctx)
			if err != nil {
				errs <- fmt.Errorf("retention: %w", err)
				return
			}
			dropped.Add(int64(len(keys)))
		}
	})
	for g := range 3 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				from := day(6+(g+i)%8, 0)
				if _, err := ix.Search(ctx, Request{Q: "火灾", From: from, To: from.Add(48 * time.Hour)}); err != nil {
					errs <- fmt.Errorf("search: %w", err)
					return
				}
				if _, err := ix.Get(ctx, fmt.Sprintf("d%d", i%30)); err != nil && !errors.Is(err, ErrNotFound) {
					errs <- fmt.Errorf("get: %w", err)
					return
				}
				if _, err := ix.Count(); err != nil {
					errs <- fmt.Errorf("count: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkOneCopy(t, ix)
	n, _ := ix.Count()
	all, _ := ix.allIndex().DocCount()
	if n != all || n == 0 || n > 30 || dropped.Load() == 0 {
		t.Errorf("count %d, allIndex %d (1..30 ids), %d partitions dropped (want some)", n, all, dropped.Load())
	}
	t.Logf("%d docs in %v, %d partitions dropped", n, partitionKeys(ix), dropped.Load())
}
