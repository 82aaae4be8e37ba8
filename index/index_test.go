package index

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
)

// testAnalyzer is built once: the dictionary and rule tables take a while.
var testAnalyzer = sync.OnceValues(func() (*analysis.Analyzer, error) {
	seg, err := analysis.Default()
	if err != nil {
		return nil, err
	}
	return analysis.NewAnalyzer(seg)
})

func testDocs(t testing.TB, posts ...ingest.Post) []analysis.Doc {
	t.Helper()
	a, err := testAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]analysis.Doc, len(posts))
	for i, p := range posts {
		docs[i] = a.Analyze(p)
	}
	return docs
}

func openTest(t *testing.T) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func samplePosts() []ingest.Post {
	return []ingest.Post{
		{ID: "fire", Source: "weibo", Kind: "post", Title: "突发", Text: "杭州市西湖区一小区发生火灾，消防已到场，暂无人员伤亡。", PublishedAt: t0},
		{ID: "fraud", Source: "sms", Kind: "sms", Text: "您好，我是公安局民警，您涉嫌洗钱，请将资金转入安全账户。", PublishedAt: t0.Add(time.Hour)},
		{ID: "drill", Source: "news:xinhuanet", Kind: "article", Title: "消防演习", Text: "今天上午，杭州消防在西湖区举行火灾逃生演习。", PublishedAt: t0.Add(2 * time.Hour)},
	}
}

func TestSearchChineseWithHighlight(t *testing.T) {
	ix, _ := openTest(t)
	ctx := context.Background()
	if err := ix.Index(ctx, testDocs(t, samplePosts()...)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want []string // newest first
	}{
		{"火灾", []string{"drill", "fire"}},
		{"火灾 -演习", []string{"fire"}},
		{"安全账户", []string{"fraud"}},
		{`"火灾逃生"`, []string{"drill"}},
		{"演习", []string{"drill"}}, // matches the title too
		{"地震", nil},
		{"", []string{"drill", "fraud", "fire"}},
	}
	for _, tc := range tests {
		res, err := ix.Search(ctx, Request{Q: tc.q})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || res.Total != uint64(len(tc.want)) {
			t.Errorf("search %q = %v (total %d), want %v", tc.q, got, res.Total, tc.want)
		}
	}
	res, err := ix.Search(ctx, Request{Q: "火灾 -演习"})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hits[0]
	if frag := strings.Join(h.Fragments["text"], ""); !strings.Contains(frag, "<mark>火灾</mark>") {
		t.Errorf("fragment %q lacks <mark>火灾</mark>", frag)
	}
	if h.Doc.Source != "weibo" || h.Doc.Text != samplePosts()[0].Text || !h.Doc.PublishedAt.Equal(t0) {
		t.Errorf("stored doc not round-tripped: %+v", h.Doc)
	}
}

func TestHighlightOffsetsSurviveFullWidthText(t *testing.T) {
	ix, _ := openTest(t)
	ctx := context.Background()
	// Full-width letters are normalised to "abc" for indexing, but the
	// highlight must wrap the original characters.
	p := ingest.Post{ID: "fw", Source: "x", Kind: "post", Text: "ＡＢＣ公司发生爆炸", PublishedAt: t0}
	if err := ix.Index(ctx, testDocs(t, p)); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{Q: "abc 爆炸"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search: %v, %+v", err, res)
	}
	frag := res.Hits[0].Fragments["text"][0]
	if !strings.Contains(frag, "<mark>ＡＢＣ</mark>") || !strings.Contains(frag, "<mark>爆炸</mark>") {
		t.Errorf("fragment %q", frag)
	}
}

func TestReindexSameIDKeepsOneCopy(t *testing.T) {
	ix, dir := openTest(t)
	ctx := context.Background()
	docs := testDocs(t, samplePosts()...)
	for range 3 {
		if err := ix.Index(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := ix.Count(); n != 3 {
		t.Fatalf("count after indexing the same 3 docs 3 times = %d, want 3", n)
	}
	// The index survives a reopen and still answers.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	d, err := ix2.Get(ctx, "fraud")
	if err != nil || d.Kind != "sms" {
		t.Fatalf("get after reopen: %v %+v", err, d)
	}
	if _, err := ix2.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get missing: %v, want ErrNotFound", err)
	}
}

func TestTimeRangeAndSort(t *testing.T) {
	ix, _ := openTest(t)
	ctx := context.Background()
	if err := ix.Index(ctx, testDocs(t, samplePosts()...)); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{Q: "", From: t0.Add(30 * time.Minute), To: t0.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != "fraud" {
		t.Fatalf("range search got %+v", res)
	}
	if _, err := ix.Search(ctx, Request{Sort: "bogus"}); err == nil {
		t.Fatal("bad sort accepted")
	}
	res, err = ix.Search(ctx, Request{Size: 1, Page: 2})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "fraud" || res.Total != 3 {
		t.Fatalf("page 2 of size 1: %v %+v", err, res)
	}
}

// TestTextIndexedOnce guards against the composite _all field: text
// fields are added after MapDocument, so an enabled _all would index every
// token a second time.
func TestTextIndexedOnce(t *testing.T) {
	ix, _ := openTest(t)
	if err := ix.Index(context.Background(), testDocs(t, samplePosts()...)); err != nil {
		t.Fatal(err)
	}
	fields, err := ix.allIndex().Fields() // the sample docs share one day: one partition
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if f == "_all" {
			t.Fatalf("index has an _all field (fields %v): text is indexed twice", fields)
		}
	}
	if !strings.Contains(strings.Join(fields, ","), fieldText) {
		t.Fatalf("fields %v lack %s", fields, fieldText)
	}
}
