package window

import (
	"maps"
	"testing"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
	"github.com/yuqing-dev/yuqing/ingest"
)

func TestEventFromDoc(t *testing.T) {
	d := &analysis.Doc{
		Post:      ingest.Post{ID: "p1", Source: "weibo", Author: "a1", Kind: "post", PublishedAt: start},
		ClusterID: "c9",
		Locations: []places.Location{{Province: "浙江省", City: "杭州市", District: "西湖区"}, {Province: "浙江省"}},
	}
	r := rule.Rule{ID: "r", QueryKey: "cluster_id", CardinalityField: "author", GroupBy: []string{"kind"}, Fields: []string{"locations", "region"}}
	ev := EventFromDoc(r, d)
	want := map[string]string{"source": "weibo", "cluster_id": "c9", "author": "a1", "kind": "post", "locations": JoinValues("西湖区", "浙江省")}
	if ev.RuleID != "r" || ev.DocID != "p1" || !ev.At.Equal(start) || !maps.Equal(ev.Fields, want) {
		t.Errorf("EventFromDoc = %+v, want fields %v", ev, want)
	}
	if got := GroupKey(r, ev); got != "post" {
		t.Errorf("GroupKey = %q", got)
	}
}
