package ql

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/yuqing-dev/yuqing/analysis"
)

// testDoc is a document of the test index; Locs are province/city/district
// triples, as the index stores a Doc's locations.
type testDoc struct {
	id, text, title, source, kind, author, cluster string
	cats                                           []string
	locs                                           [][3]string
	risk, sentiment                                float64
	at                                             string // RFC 3339
}

var testDocs = []testDoc{
	{id: "d01", text: "杭州市西湖区发生火灾，消防已到场", title: "西湖区火灾", source: "weibo", kind: "post", author: "张三", cluster: "c1",
		cats: []string{"incident.fire"}, locs: [][3]string{{"浙江省", "杭州市", "西湖区"}}, risk: 0.9, sentiment: -0.6, at: "2026-11-08T10:00:00+08:00"},
	{id: "d02", text: "南昌市西湖区一居民楼发生火灾", source: "news:xinhua", kind: "article", cluster: "c2",
		cats: []string{"incident.fire"}, locs: [][3]string{{"江西省", "南昌市", "西湖区"}}, risk: 0.8, sentiment: -0.5, at: "2026-11-07T09:00:00+08:00"},
	{id: "d03", text: "宁波港口仓库发生爆炸", source: "news:people", kind: "article",
		cats: []string{"incident.explosion"}, locs: [][3]string{{"浙江省", "宁波市", ""}}, risk: 0.85, sentiment: -0.7, at: "2026-11-01T00:30:00+08:00"},
	{id: "d04", text: "杭州举行消防演习", source: "weibo", kind: "post",
		locs: [][3]string{{"浙江省", "杭州市", ""}}, risk: 0.1, sentiment: 0.2, at: "2026-11-05T15:00:00+08:00"},
	{id: "d05", text: "杭州某小区燃气泄漏", source: "douyin", kind: "post", cluster: "c1",
		cats: []string{"incident.gas_leak"}, locs: [][3]string{{"浙江省", "杭州市", ""}}, risk: 0.7, sentiment: -0.4, at: "2026-11-08T11:30:00+08:00"},
	{id: "d06", text: "您的快递已到，请点击链接领取", source: "sms:gw1", kind: "sms", author: "10690000",
		cats: []string{"fraud"}, risk: 0.6, at: "2026-11-08T11:59:00+08:00"},
	{id: "d07", text: "北京朝阳区发生交通事故", source: "weibo", kind: "post",
		cats: []string{"incident.traffic"}, locs: [][3]string{{"北京市", "北京市", "朝阳区"}}, risk: 0.5, sentiment: -0.3, at: "2026-10-31T23:00:00+08:00"},
	{id: "d08", text: "意外事件的统计", source: "news:sina", kind: "article",
		cats: []string{"incidental"}, risk: 0.2, at: "2026-11-03T12:00:00+08:00"},
	{id: "d09", text: "广州美食推荐", source: "weibo", kind: "post",
		cats: []string{"lifestyle"}, locs: [][3]string{{"广东省", "广州市", ""}}, risk: 0.05, sentiment: 0.8, at: "2026-11-07T23:59:59+08:00"},
	{id: "d10", text: "杭州地铁故障导致延误", source: "weibo", kind: "comment", author: "张 三",
		locs: [][3]string{{"浙江省", "杭州市", ""}}, risk: 0.3, sentiment: -0.2, at: "2026-11-08T00:00:00+08:00"},
	{id: "d11", text: "访问 https://example.com 了解详情，12:30 开始", source: "news:sina", kind: "article",
		risk: 0, at: "2026-11-02T08:00:00+08:00"},
	{id: "d12", text: "浙江义乌小商品市场火灾", source: "news:xinhua", kind: "article",
		cats: []string{"incident.fire"}, locs: [][3]string{{"浙江省", "金华市", "义乌市"}}, risk: 0.75, sentiment: -0.5, at: "2026-11-06T18:00:00+08:00"},
	{id: "d13", text: "游客在西湖边拍照", title: "西湖美景", source: "xiaohongshu", kind: "post",
		locs: [][3]string{{"浙江省", "杭州市", ""}}, risk: 0, sentiment: 0.9, at: "2026-11-04T10:00:00+08:00"},
	{id: "d14", text: "化工厂火灾爆炸同时发生", source: "weibo", kind: "post",
		cats: []string{"incident.fire", "incident.explosion"}, risk: 0.95, sentiment: -0.8, at: "2026-11-08T09:00:00+08:00"},
	{id: "d15", text: "爆炸之后又引发火灾", source: "douyin", kind: "post",
		cats: []string{"incident.explosion"}, risk: 0.88, sentiment: -0.7, at: "2026-11-07T20:00:00+08:00"},
}

// testNow is Options.Now of the compile tests: 2026-11-08 12:00 in Shanghai.
var testNow = time.Date(2026, 11, 8, 4, 0, 0, 0, time.UTC)

// testMapping declares the index's fields as index.NewMapping does (the
// index package imports this one, so the test cannot use it), plus
// district, which region: queries need.
func testMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analysis.AnalyzerName
	im.DefaultField = fieldText
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fieldText, fieldTitle} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analysis.AnalyzerName
		fm.Store, fm.IncludeTermVectors, fm.IncludeInAll = true, true, false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{"source", "kind", "author", fieldCategory, fieldProvince, fieldCity, fieldDistrict, "cluster_id"} {
		fm := bleve.NewKeywordFieldMapping()
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(f, fm)
	}
	dt := bleve.NewDateTimeFieldMapping()
	dt.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldPublishedAt, dt)
	for _, f := range []string{"risk", "sentiment"} {
		fm := bleve.NewNumericFieldMapping()
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(f, fm)
	}
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = dm
	return im
}

// newTestIndex indexes testDocs the way the index package does: keyword,
// numeric and date fields through the mapping, text and title from the
// segmenter's index tokens (words and their sub-words).
func newTestIndex(t testing.TB) bleve.Index {
	t.Helper()
	m := testMapping()
	idx, err := bleve.New(t.TempDir()+"/idx", m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	seg, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	for _, d := range testDocs {
		at, err := time.Parse(time.RFC3339, d.at)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]any{"source": d.source, "kind": d.kind, "risk": d.risk, "sentiment": d.sentiment, fieldPublishedAt: at}
		for f, v := range map[string]string{"author": d.author, "cluster_id": d.cluster} {
			if v != "" {
				fields[f] = v
			}
		}
		if len(d.cats) > 0 {
			fields[fieldCategory] = d.cats
		}
		for i, f := range []string{fieldProvince, fieldCity, fieldDistrict} {
			var vs []string
			for _, l := range d.locs {
				if l[i] != "" {
					vs = append(vs, l[i])
				}
			}
			if len(vs) > 0 {
				fields[f] = vs
			}
		}
		doc := document.NewDocument(d.id)
		if err := m.MapDocument(doc, fields); err != nil {
			t.Fatal(err)
		}
		opts := bindex.IndexField | bindex.StoreField | bindex.IncludeTermVectors
		for f, s := range map[string]string{fieldText: d.text, fieldTitle: d.title} {
			if s != "" {
				doc.AddField(document.NewTextFieldCustom(f, nil, []byte(s), opts, pretokenized(seg.IndexTokens(s))))
			}
		}
		if err := b.IndexAdvanced(doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return idx
}

type pretokenized []analysis.Token

func (p pretokenized) Analyze([]byte) blevea.TokenStream { return analysis.TokenStream(p) }

// search returns the sorted ids of the documents q finds.
func search(t *testing.T, idx bleve.Index, q query.Query) []string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	res, err := idx.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatalf("searching: %v", err)
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

func except(ids ...string) string {
	var out []string
	for _, d := range testDocs {
		if !slices.Contains(ids, d.id) {
			out = append(out, d.id)
		}
	}
	return strings.Join(out, " ")
}

func TestCompileSearch(t *testing.T) {
	idx := newTestIndex(t)
	opts := Options{Now: testNow}
	for _, c := range []struct{ q, want string }{
		// Words, phrases, segmentation.
		{`火灾`, "d01 d02 d12 d14 d15"},
		{`西湖区火灾`, "d01 d02"},
		{`火灾 爆炸`, "d14 d15"},
		{`"火灾 爆炸"`, "d14"},
		{`"爆炸 火灾"`, ""},
		{`“火灾 爆炸”`, "d14"},
		{`"消防演习"`, "d04"},
		{`消防演习`, "d04"},
		{`消防 演习`, "d04"},
		// The index gives the sub-words of 消防演习 the compound's position,
		// so a phrase split where the text is not does not match.
		{`"消防 演习"`, ""},
		{`西湖美景`, "d13"},  // both words in the title
		{`游客 美景`, "d13"}, // each word in text or title
		{`游客美景`, ""},     // one word: all its words in the text, or all in the title
		{`https://example.com`, "d11"},
		{`12:30`, "d11"},
		{`and`, ""},
		// Boolean structure.
		{`火灾 OR 泄漏`, "d01 d02 d05 d12 d14 d15"},
		{`（火灾 OR 爆炸） 浙江`, "d12"},
		{`火灾 AND NOT 爆炸`, "d01 d02 d12"},
		{`火灾 -爆炸`, "d01 d02 d12"},
		{`爆炸 OR 泄漏 -杭州`, "d03 d14 d15"},
		{`火灾 -"火灾 爆炸"`, "d01 d02 d12 d15"},
		{`-火灾`, except("d01", "d02", "d12", "d14", "d15")},
		{`-火灾 -爆炸 -source:weibo`, "d05 d06 d08 d11 d13"},
		{`NOT (火灾 OR 爆炸)`, except("d01", "d02", "d03", "d12", "d14", "d15")},
		{`火灾 OR -source:weibo`, except("d04", "d07", "d09", "d10")},
		{`--火灾`, "d01 d02 d12 d14 d15"},
		{`，`, except()},
		// Keyword fields.
		{`source:weibo`, "d01 d04 d07 d09 d10 d14"},
		{`source:news:*`, "d02 d03 d08 d11 d12"},
		{`source:news*`, "d02 d03 d08 d11 d12"},
		{`source:"news*"`, ""},
		{`source:sms:gw1`, "d06"},
		{`kind:sms`, "d06"},
		{`author:张三`, "d01"},
		{`author:"张 三"`, "d10"},
		{`cluster:c1`, "d01 d05"},
		{`category:incident`, "d01 d02 d03 d05 d07 d12 d14 d15"},
		{`category:incident.fire`, "d01 d02 d12 d14"},
		{`category:incident.*`, "d01 d02 d03 d05 d07 d12 d14 d15"},
		{`category:incident*`, "d01 d02 d03 d05 d07 d08 d12 d14 d15"},
		{`-category:incident -source:weibo`, "d06 d08 d11 d13"},
		// Regions.
		{`region:杭州`, "d01 d04 d05 d10 d13"},
		{`region:杭州市`, "d01 d04 d05 d10 d13"},
		{`region:浙江`, "d01 d03 d04 d05 d10 d12 d13"},
		{`region:杭州西湖区`, "d01"},
		{`region:"浙江 杭州 西湖区"`, "d01"},
		{`region:南昌西湖区`, "d02"},
		{`region:义乌`, "d12"},
		{`region:北京`, "d07"},
		{`region:北京朝阳`, "d07"},
		{`region:杭州 OR region:宁波`, "d01 d03 d04 d05 d10 d13"},
		{`火灾 region：浙江`, "d01 d12"},
		// Numbers.
		{`risk:>0.8`, "d01 d03 d14 d15"},
		{`risk:>=0.8`, "d01 d02 d03 d14 d15"},
		{`risk:<0.1`, "d09 d11 d13"},
		{`risk:0.5`, "d07"},
		{`risk:[0.2 TO 0.6]`, "d06 d07 d08 d10"},
		{`risk:{0.2 TO 0.6}`, "d07 d10"},
		{`sentiment:<0`, "d01 d02 d03 d05 d07 d10 d12 d14 d15"},
		{`sentiment:>0.5 risk:<0.1`, "d09 d13"},
		// Times (Shanghai): whole days, instants, relative to testNow.
		{`time:[2026-11-01 TO 2026-11-07]`, "d02 d03 d04 d08 d09 d11 d12 d13 d15"},
		{`time:{2026-11-01 TO 2026-11-07}`, "d04 d08 d11 d12 d13"},
		{`time:2026-11-08`, "d01 d05 d06 d10 d14"},
		{`time:>2026-11-07`, "d01 d05 d06 d10 d14"},
		{`time:>=2026-11-07`, "d01 d02 d05 d06 d09 d10 d14 d15"},
		{`time:<2026-11-01`, "d07"},
		{`time:<=2026-11-01`, "d03 d07"},
		{`time:>now-24h`, "d01 d05 d06 d09 d10 d14 d15"},
		{`time:>now-2h`, "d05 d06"},
		{`time:>=now-2h`, "d01 d05 d06"},
		{`time:>now-7d`, except("d03", "d07")},
		{`time:[now-7d TO now-1d]`, "d02 d04 d08 d11 d12 d13"},
		{`time:>now-1w`, except("d03", "d07")},
		{`time:>now-90m time:<now+1m`, "d05 d06"},
		{`time:>2026-11-08T11:30:00+08:00`, "d06"},
		{`time:>=2026-11-08T11:30:00+08:00`, "d05 d06"},
		{`time:<2026-11-01T00:30:00`, "d07"},
		{`time:[2026-10-31T15:00:00Z TO 2026-10-31T16:30:00Z]`, "d07 d03"},
		// Together.
		{`(火灾 OR 爆炸) region:浙江 time:>now-7d -source:weibo`, "d12"},
		{`category:incident risk:>=0.8 -region:浙江`, "d02 d14 d15"},
	} {
		t.Run(c.q, func(t *testing.T) {
			n, err := Parse(c.q)
			if err != nil {
				t.Fatal(err)
			}
			q, err := Compile(n, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Fields(c.want)
			slices.Sort(want)
			if got := search(t, idx, q); !slices.Equal(got, want) {
				t.Errorf("%s\n got %v\nwant %v", n, got, want)
			}
		})
	}
}

// TestCompileNoWords checks that a word the segmenter finds nothing in
// matches nothing, also next to an exclusion (bleve's boolean query turns
// a must clause that matches nothing into match-all).
func TestCompileNoWords(t *testing.T) {
	idx := newTestIndex(t)
	for _, n := range []Node{
		&Word{Text: "🔥"},
		&And{Nodes: []Node{&Word{Text: "🔥"}, &Not{Node: &Word{Text: "火灾"}}}},
		&Or{Nodes: []Node{&Word{Text: "🔥"}, &Phrase{Text: "。"}}},
	} {
		q, err := Compile(n, Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if got := search(t, idx, q); len(got) != 0 {
			t.Errorf("%s found %v, want nothing", n, got)
		}
	}
}

func TestCompileNil(t *testing.T) {
	q, err := Compile(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := q.(*query.MatchAllQuery); !ok {
		t.Errorf("Compile(nil) = %T, want *query.MatchAllQuery", q)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{`火灾 region:西湖区`, `at 10: ambiguous region "西湖区": it may be 浙江省杭州市西湖区 or 江西省南昌市西湖区`},
		{`region:朝阳区`, `at 7: ambiguous region "朝阳区": it may be`},
		{`region:鼓楼区`, "one of several in 江苏省"},
		{`region:火星`, `at 7: unknown region "火星"`},
		{`region:省`, `at 7: unknown region "省"`},
		{`region:杭州火灾`, `at 7: unknown region "杭州火灾": "火灾" is not part of a place name`},
		{`region:"杭州 宁波"`, `at 7: region "杭州 宁波" names 2 places (浙江省杭州市, 浙江省宁波市)`},
		{`region:杭州、宁波`, `names 2 places`},
		{`time:[2026-11-07 TO 2026-11-01]`, `at 0: empty time range`},
		{`time:[now TO now-1h]`, `empty time range`},
		{`x time:{now TO now}`, `at 2: empty time range`},
	} {
		n, err := Parse(c.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.q, err)
		}
		_, err = Compile(n, Options{Now: testNow})
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile(%q) error %v, want a *SyntaxError containing %q", c.q, err, c.want)
		}
	}
}

// TestCompileLocation checks that dates are days in Options.Location.
func TestCompileLocation(t *testing.T) {
	idx := newTestIndex(t)
	n, err := Parse(`time:2026-10-31`)
	if err != nil {
		t.Fatal(err)
	}
	for loc, want := range map[*time.Location]string{nil: "d07", time.UTC: "d03 d07"} {
		q, err := Compile(n, Options{Now: testNow, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Fields(want)
		if got := search(t, idx, q); !slices.Equal(got, w) {
			t.Errorf("location %v: got %v, want %v", loc, got, w)
		}
	}
}
