package report

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
)

// The fixture's report week: Monday 2026-11-02 to Monday 2026-11-09 in
// Shanghai, generated on Monday 08:00.
var (
	cst       = DefaultLocation()
	weekStart = time.Date(2026, 11, 2, 0, 0, 0, 0, cst)
	genTime   = time.Date(2026, 11, 9, 8, 0, 0, 0, cst)
)

// fixtureSource is the real index and alert store behind a report.
type fixtureSource struct {
	*index.Index
	store *alert.Store
}

func (s fixtureSource) Alerts(ctx context.Context, f alert.Filter) ([]alert.Alert, error) {
	return s.store.List(ctx, f)
}

var _ Source = fixtureSource{}
var _ Scanner = fixtureSource{}

var testAnalyzer = sync.OnceValues(func() (*analysis.Analyzer, error) {
	seg, err := analysis.Default()
	if err != nil {
		return nil, err
	}
	return analysis.NewAnalyzer(seg)
})

// docSpec is a group of generated documents.
type docSpec struct {
	n        int
	week     int // 0 = report week, 1 = the week before, …
	category string
	source   string
	province string
	cluster  string // "" = none
	keyword  string
	text     string
	risk     float64
}

// fixtureDocs are the known documents (see TestGenerateWeekly for the
// numbers they make).
var fixtureDocs = []docSpec{
	{12, 0, "fraud", "weibo", "浙江省", "c-fraud", "杀猪盘", "网友曝光杀猪盘骗局，受害人被诱导投资", 0.8},
	{6, 0, "incident", "news:xinhuanet", "广东省", "c-fire", "火灾", "工业园发生火灾，消防到场处置", 0.9},
	{2, 0, "gambling", "forum:tieba", "", "", "赌博", "网络赌博广告刷屏", 0.3},
	{2, 1, "fraud", "weibo", "浙江省", "c-fraud", "杀猪盘", "网友曝光杀猪盘骗局，受害人被诱导投资", 0.8},
	{6, 1, "fraud", "weibo", "浙江省", "c-old", "退款", "冒充客服以退款为名实施诈骗", 0.7},
	{6, 1, "incident", "news:xinhuanet", "广东省", "c-fire-old", "火灾", "仓库发生火灾，无人员伤亡", 0.6},
	{4, 1, "gambling", "forum:tieba", "", "", "赌博", "网络赌博广告刷屏", 0.3},
	{6, 2, "incident", "news:xinhuanet", "广东省", "c-fire-2", "火灾", "仓库发生火灾，无人员伤亡", 0.6},
	{6, 3, "incident", "news:xinhuanet", "广东省", "c-fire-3", "火灾", "仓库发生火灾，无人员伤亡", 0.6},
	{6, 4, "incident", "news:xinhuanet", "广东省", "c-fire-4", "火灾", "仓库发生火灾，无人员伤亡", 0.6},
}

// docTime places doc i of a group: day i%7 of its week, at 10:00 + i min.
func docTime(week, i int) time.Time {
	return weekStart.AddDate(0, 0, -7*week+i%7).Add(10*time.Hour + time.Duration(i)*time.Minute)
}

func buildDocs(t testing.TB) []analysis.Doc {
	a, err := testAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	var docs []analysis.Doc
	for gi, s := range fixtureDocs {
		for i := range s.n {
			p := ingest.Post{ID: fmt.Sprintf("g%d-%02d", gi, i), Source: s.source, Kind: "post",
				Text: fmt.Sprintf("%s（第%d条）", s.text, i), URL: fmt.Sprintf("https://example.com/%d/%d", gi, i),
				PublishedAt: docTime(s.week, i)}
			d := a.Analyze(p)
			d.Categories = map[string]float64{s.category: 0.9}
			d.ClusterID = s.cluster
			d.Keywords = []analysis.Keyword{{Term: s.keyword, Weight: 1}}
			d.Locations = nil
			if s.province != "" {
				d.Locations = []places.Location{{Province: s.province}}
			}
			d.Risk = s.risk
			if gi == 1 && i == 3 {
				d.Risk = 0.95 // the fire cluster's riskiest post
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// alertSpec is an alert of the fixture; ack < 0 means never acknowledged.
type alertSpec struct {
	rule, severity, cluster string
	created                 time.Time
	ack                     time.Duration
	resolve                 bool
}

var fixtureAlerts = []alertSpec{
	{"fraud-burst", "P1", "c-fraud", weekStart.Add(10 * time.Hour), 5 * time.Minute, false},
	{"fraud-burst", "P2", "c-fraud-2", weekStart.Add(34 * time.Hour), 15 * time.Minute, false},
	{"fire", "P1", "c-fire", weekStart.Add(58 * time.Hour), 10 * time.Minute, true},
	{"fire", "P3", "c-fire-b", weekStart.Add(82 * time.Hour), 60 * time.Minute, false},
	{"gambling", "P4", "c-gamb", weekStart.Add(106 * time.Hour), -1, false},
	{"fire", "P2", "c-fire-c", weekStart.Add(130 * time.Hour), -1, false},
	{"gambling", "P4", "c-gamb-old", weekStart.Add(-48 * time.Hour), 2 * time.Minute, false},
	{"gambling", "P4", "c-gamb-old2", weekStart.Add(-24 * time.Hour), -1, false},
}

// fixture builds the index and alert store of the fixture for t.
func fixture(t testing.TB) fixtureSource {
	t.Helper()
	src, err := buildFixture(t)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func buildFixture(t testing.TB) (fixtureSource, error) {
	ctx := context.Background()
	ix, err := index.OpenWith(filepath.Join(t.TempDir(), "index"), index.Options{Location: cst}, nil)
	if err != nil {
		return fixtureSource{}, err
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Index(ctx, buildDocs(t)); err != nil {
		return fixtureSource{}, err
	}
	clk := testclock.New(weekStart)
	st := teststate.Local(t, clk.Now)
	store := alert.New(st, alert.Options{Now: clk.Now})
	for _, s := range fixtureAlerts {
		a, _, err := store.Raise(ctx, alert.Incoming{RuleID: s.rule, RuleVersion: "v1", Severity: s.severity,
			GroupValues: map[string]string{"cluster_id": s.cluster}, Title: "告警 " + s.rule + " " + s.cluster,
			Summary: "摘要", DocIDs: []string{"g0-00"}, At: s.created})
		if err != nil {
			return fixtureSource{}, err
		}
		if s.ack >= 0 {
			clk.Set(s.created.Add(s.ack))
			if _, err := store.Ack(ctx, a.ID, "duty", ""); err != nil {
				return fixtureSource{}, err
			}
		}
		if s.resolve {
			clk.Set(s.created.Add(2 * time.Hour))
			if _, err := store.Resolve(ctx, a.ID, "duty", "处置完毕"); err != nil {
				return fixtureSource{}, err
			}
		}
	}
	return fixtureSource{Index: ix, store: store}, nil
}
