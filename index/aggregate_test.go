package index

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/ingest"
)

// aggDocs: three fire reposts (one cluster) and one other fire post over
// two days, plus traffic posts, from two sources.
func aggDocs(t *testing.T) []ingestPostWithCluster {
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	orig := "杭州市西湖区一小区发生火灾，现场浓烟滚滚，消防已到场处置。"
	return []ingestPostWithCluster{
		{ingest.Post{ID: "f1", Source: "weibo", Kind: "post", Text: orig, PublishedAt: base.Add(1 * time.Hour)}, "f1"},
		{ingest.Post{ID: "f2", Source: "weibo", Kind: "post", Text: "转发:" + orig, PublishedAt: base.Add(3 * time.Hour)}, "f1"},
		{ingest.Post{ID: "f3", Source: "douyin", Kind: "post", Text: "转发:" + orig + "太吓人了", PublishedAt: base.Add(26 * time.Hour)}, "f1"},
		{ingest.Post{ID: "f4", Source: "douyin", Kind: "post", Text: "宁波一仓库凌晨起火，火灾原因正在调查。", PublishedAt: base.Add(2 * time.Hour)}, "f4"},
		{ingest.Post{ID: "t1", Source: "weibo", Kind: "post", Text: "高速公路发生追尾交通事故，两车受损。", PublishedAt: base.Add(27 * time.Hour)}, "t1"},
		{ingest.Post{ID: "t2", Source: "news:people", Kind: "article", Text: "市区路口发生车祸，交通一度拥堵。", PublishedAt: base.Add(28 * time.Hour)}, "t2"},
	}
}

type ingestPostWithCluster struct {
	ingest.Post
	cluster string
}

func indexAggDocs(t *testing.T) *Index {
	t.Helper()
	ix, _ := openTest(t)
	in := aggDocs(t)
	posts := make([]ingest.Post, len(in))
	for i := range in {
		posts[i] = in[i].Post
	}
	docs := testDocs(t, posts...)
	for i := range docs {
		docs[i].ClusterID = in[i].cluster
	}
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestFacetsCollapseAndCursor(t *testing.T) {
	ix := indexAggDocs(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Q: "火灾", Facets: []string{"source", "category", "region", "cluster"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 {
		t.Fatalf("total %d, want 4", res.Total)
	}
	counts := func(f string) map[string]int {
		m := map[string]int{}
		for _, v := range res.Facets[f].Values {
			m[v.Value] = v.Count
		}
		return m
	}
	if got := counts("source"); got["weibo"] != 2 || got["douyin"] != 2 {
		t.Errorf("source facet %v", got)
	}
	if got := counts("category"); got["incident.fire"] != 4 {
		t.Errorf("category facet %v", got)
	}
	if got := counts("region"); got["浙江省"] != 4 {
		t.Errorf("region facet %v", got)
	}
	// the cluster facet ranks repost clusters by size (the dashboard's top
	// clusters)
	if cl := res.Facets["cluster"].Values; len(cl) != 2 || cl[0].Value != "f1" || cl[0].Count != 3 || cl[1].Count != 1 {
		t.Errorf("cluster facet %v", cl)
	}

	col, err := ix.Search(ctx, Request{Q: "火灾", Collapse: CollapseCluster})
	if err != nil {
		t.Fatal(err)
	}
	if col.Total != 4 || len(col.Hits) != 2 {
		t.Fatalf("collapsed: total %d, %d hits, want 4 and 2", col.Total, len(col.Hits))
	}
	for _, h := range col.Hits {
		c := h.Cluster
		switch c.ID {
		case "f1":
			if h.ID != "f3" || c.Size != 3 || !c.FirstSeen.Equal(time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)) ||
				!c.LastSeen.Equal(time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)) {
				t.Errorf("cluster f1: hit %s %+v", h.ID, c)
			}
		case "f4":
			if c.Size != 1 {
				t.Errorf("cluster f4: %+v", c)
			}
		default:
			t.Errorf("unexpected cluster %+v", c)
		}
	}

	// Deep paging with a cursor visits every doc once, newest first.
	var seen []string
	after := ""
	for range 10 {
		page, err := ix.Search(ctx, Request{Size: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page.Hits {
			seen = append(seen, h.ID)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if fmt.Sprint(seen) != "[t2 t1 f3 f2 f4 f1]" {
		t.Errorf("cursor pages %v", seen)
	}
	if _, err := ix.Search(ctx, Request{After: "garbage"}); !errors.Is(err, ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
	if _, err := ix.Search(ctx, Request{Facets: []string{"colour"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad facet: %v", err)
	}
	res, err = ix.Search(ctx, Request{Sort: SortRisk, Size: 1})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("risk sort: %v %v", res, err)
	}
}

func TestHistogram(t *testing.T) {
	ix := indexAggDocs(t)
	ctx := context.Background()
	from := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	to := from.Add(48 * time.Hour)
	h, err := ix.Histogram(ctx, HistogramRequest{Q: "火灾", From: from, To: to, Interval: IntervalHour, Split: "source"})
	if err != nil {
		t.Fatal(err)
	}
	all := h.Series[0]
	if len(all.Buckets) != 48 || all.Total != 4 {
		t.Fatalf("%d buckets, total %d", len(all.Buckets), all.Total)
	}
	for i, want := range map[int]int{1: 1, 2: 1, 3: 1, 26: 1, 0: 0, 47: 0} {
		if all.Buckets[i].Count != want {
			t.Errorf("bucket %d (%s) = %d, want %d", i, all.Buckets[i].Start, all.Buckets[i].Count, want)
		}
	}
	bySource := map[string]int{}
	for _, s := range h.Series[1:] {
		bySource[s.Value] = s.Total
	}
	if bySource["weibo"] != 2 || bySource["douyin"] != 2 {
		t.Errorf("split by source %v", bySource)
	}
	// Days in Shanghai time: 2026-11-20 08:00 CST is 00:00 UTC.
	d, err := ix.Histogram(ctx, HistogramRequest{From: from, To: to, Interval: IntervalDay, Location: time.FixedZone("CST", 8*3600)})
	if err != nil {
		t.Fatal(err)
	}
	var days []int
	for _, b := range d.Series[0].Buckets {
		days = append(days, b.Count)
	}
	if fmt.Sprint(days) != "[3 3 0]" {
		t.Errorf("day buckets %v (%+v)", days, d.Series[0].Buckets)
	}
	if _, err := ix.Histogram(ctx, HistogramRequest{Interval: "5m"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad interval: %v", err)
	}
	if _, err := ix.Histogram(ctx, HistogramRequest{Q: "(火灾"}); !errors.As(err, new(*QueryError)) {
		t.Errorf("bad query: %v", err)
	}
}
