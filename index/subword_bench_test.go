package index

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/diskusage"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// BenchmarkSubwords measures what indexing gse's sub-words costs (交通 and
// 事故 beside 交通事故, so a search for the shorter word finds the longer):
// docs/s of Index and bytes on disk, with and without them. The decision
// and figures are in BENCHMARKS.md.
//
//	go test -run '^$' -bench Subwords -benchtime 1x ./index/
func BenchmarkSubwords(b *testing.B) {
	seg, err := analysis.Default()
	if err != nil {
		b.Fatal(err)
	}
	an, err := analysis.NewAnalyzer(seg)
	if err != nil {
		b.Fatal(err)
	}
	const n = 20000
	c := synth.NewCorpus(9, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), 24*time.Hour).InOrder(n)
	with := make([]analysis.Doc, n)
	for i := range with {
		with[i] = an.Analyze(c.Post())
	}
	without := make([]analysis.Doc, n)
	subs := 0
	for i, d := range with {
		without[i] = d
		without[i].Tokens, without[i].TitleTokens = mainOnly(d.Tokens), mainOnly(d.TitleTokens)
		subs += len(d.Tokens) - len(without[i].Tokens)
	}
	b.Logf("%.1f sub-words per doc", float64(subs)/n)
	for _, tc := range []struct {
		name string
		docs []analysis.Doc
	}{{"with-subwords", with}, {"without-subwords", without}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "ix")
				ix, err := Open(dir, nil)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for i := 0; i < n; i += 1000 {
					if err := ix.Index(context.Background(), tc.docs[i:i+1000]); err != nil {
						b.Fatal(err)
					}
				}
				took := time.Since(start)
				b.ReportMetric(float64(n)/took.Seconds(), "docs/s")
				ix.Close()
				b.ReportMetric(float64(diskusage.Dir(dir))/n, "disk-B/doc")
			}
		})
	}
}

func mainOnly(toks []analysis.Token) []analysis.Token {
	out := make([]analysis.Token, 0, len(toks))
	for _, t := range toks {
		if !t.Sub {
			out = append(out, t)
		}
	}
	return out
}

// TestSubwordsGiveRecall: a search for 交通 finds 交通事故 only because the
// sub-words are indexed.
func TestSubwordsGiveRecall(t *testing.T) {
	ix, _ := openTest(t)
	docs := testDocs(t, ingest.Post{ID: "a", Kind: "post", Text: "高速公路发生交通事故", PublishedAt: t0})
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"交通", "事故", "交通事故"} {
		res, err := ix.Search(context.Background(), Request{Q: q})
		if err != nil || res.Total != 1 {
			t.Errorf("search %q: %d hits, %v", q, res.Total, err)
		}
	}
}
