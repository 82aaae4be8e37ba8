package backtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
)

// TestBacktestOverIndexedHistory indexes two days of posts and replays
// them through an any rule and a frequency rule.
func TestBacktestOverIndexedHistory(t *testing.T) {
	seg, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	an, err := analysis.NewAnalyzer(seg)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(t.TempDir(), "ix"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	day1 := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	var docs []analysis.Doc
	add := func(id, source, text string, at time.Time) {
		docs = append(docs, an.Analyze(ingest.Post{ID: id, Source: source, Kind: "post", Text: text, PublishedAt: at}))
	}
	add("f1", "weibo", "杭州市西湖区一小区发生火灾，浓烟滚滚。", day1)
	add("f2", "douyin", "宁波一仓库凌晨发生火灾，原因调查中。", day1.Add(time.Hour))
	add("d1", "weibo", "消防在西湖区举行火灾逃生演习。", day1.Add(2*time.Hour))
	for i := range 12 { // a burst on day 2
		add(fmt.Sprintf("b%d", i), fmt.Sprintf("src%d", i), fmt.Sprintf("第%d条：城东工业园发生火灾，现场浓烟。", i), day1.Add(24*time.Hour+time.Duration(i)*time.Minute))
	}
	add("x", "weibo", "今天天气晴朗。", day1.Add(30*time.Hour))
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	scan := func(ctx context.Context, from, to time.Time, fn func(analysis.Doc) error) error {
		return ix.Scan(ctx, "", from, to, fn)
	}
	parse := func(y string) rule.Rule {
		rs, err := rule.ParseFile("test.yaml", []byte(y), rule.Options{})
		if err != nil || len(rs) != 1 {
			t.Fatalf("rule: %v", err)
		}
		return rs[0]
	}
	loc := time.UTC
	from, to := day1.Add(-time.Hour), day1.Add(48*time.Hour)

	anyRule := parse("id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾 AND NOT 演习'\ngroup_by: [source]\nrealert: 1h\n")
	res, err := Run(context.Background(), anyRule, scan, from, to, loc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Docs != 16 || res.Firings != 14 || res.Alerts != 14 || res.PerDay["2026-11-20"] != 2 || res.PerDay["2026-11-21"] != 12 {
		t.Errorf("any rule: %+v", res)
	}
	if len(res.Examples) == 0 || res.Examples[0].DocID != "f1" {
		t.Errorf("examples %+v", res.Examples)
	}

	freq := parse("id: wave\nname: 火灾集中\nseverity: P2\ntype: frequency\nmatch: '火灾'\nnum_events: 10\ntimeframe: 30m\ngroup_by: []\nrealert: 1h\n")
	res, err = Run(context.Background(), freq, scan, from, to, loc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Alerts != 1 || res.PerDay["2026-11-21"] != 1 {
		t.Errorf("frequency rule: %+v", res)
	}
}
