package analysis

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/pii"
	"github.com/yuqing-dev/yuqing/ingest"
)

func newTestAnalyzer(t *testing.T) *Analyzer {
	t.Helper()
	seg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAnalyzer(seg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAnalyzeMasksPersonalDataAndKeepsOffsets: the masked text has the
// original's byte length (full-width digits become ＊), nothing personal
// is left in tokens or keywords, and spans point at the original digits.
func TestAnalyzeMasksPersonalDataAndKeepsOffsets(t *testing.T) {
	a := newTestAnalyzer(t)
	text := "请联系１３８１２３４５６７８或邮箱zhang.san@example.com，身份证11010519491231002X。"
	d := a.Analyze(ingest.Post{ID: "p", Kind: "post", Text: text, Title: "电话13912345678"})
	if len(d.MaskedText) != len(text) || !utf8.ValidString(d.MaskedText) {
		t.Fatalf("masked text %q: %d bytes, original %d", d.MaskedText, len(d.MaskedText), len(text))
	}
	for _, secret := range []string{"１３８１２３４５６７８", "zhang.san", "19491231"} {
		if strings.Contains(d.MaskedText, secret) {
			t.Errorf("masked text %q still has %q", d.MaskedText, secret)
		}
	}
	if !strings.Contains(d.MaskedText, "１３８＊＊＊＊５６７８") || !strings.Contains(d.MaskedText, "@example.com") {
		t.Errorf("masked text %q does not keep what identifies the number's owner type", d.MaskedText)
	}
	kinds := map[pii.Kind]string{}
	for _, sp := range d.PII {
		kinds[sp.Kind] = text[sp.Start:sp.End]
	}
	if kinds[pii.Mobile] != "１３８１２３４５６７８" || kinds[pii.Email] != "zhang.san@example.com" || kinds[pii.IDCard] != "11010519491231002X" {
		t.Errorf("spans point at %v", kinds)
	}
	for _, tok := range append(d.Tokens, d.TitleTokens...) {
		if strings.ContainsAny(tok.Term, "0123456789") && strings.Contains(tok.Term, "1234") {
			t.Errorf("token %q leaks a number", tok.Term)
		}
	}
	if d.MaskedTitle != "电话139****5678" {
		t.Errorf("masked title %q", d.MaskedTitle)
	}
	if d.DisplayText() != d.MaskedText {
		t.Error("display text is not the masked text")
	}
}

// TestAnalyzeSignals checks that every signal is present and that the
// explanation and places point into the original (traditional) text.
func TestAnalyzeSignals(t *testing.T) {
	a := newTestAnalyzer(t)
	text := "轉發：浙江杭州西湖區一化工廠發生爆炸，現場濃煙滾滾，已造成人員傷亡。"
	d := a.Analyze(ingest.Post{ID: "x", Kind: "post", Text: text})
	if d.Categories["incident.explosion"] < 0.5 {
		t.Errorf("categories %v lack incident.explosion", d.Categories)
	}
	if d.Risk <= 0 || d.Risk > 1 || d.Sentiment < -1 || d.Sentiment > 1 {
		t.Errorf("risk %v sentiment %v out of range", d.Risk, d.Sentiment)
	}
	found := false
	for _, e := range d.Explanation {
		if e.Category == "incident.explosion" && strings.Contains(text[e.Start:e.End], "爆炸") {
			found = true
		}
	}
	if !found {
		t.Errorf("no explanation pointing at 發生爆炸 in the original: %+v", d.Explanation)
	}
	if len(d.Locations) != 1 || d.Locations[0].String() != "浙江省杭州市西湖区" ||
		!strings.HasPrefix(text[d.Locations[0].Start:d.Locations[0].End], "浙江") {
		t.Errorf("locations %+v", d.Locations)
	}
	if len(d.Keywords) == 0 || len(d.SimHash) != 16 {
		t.Errorf("keywords %v simhash %q", d.Keywords, d.SimHash)
	}
	// The repost label is decoration: the SimHash is the original's.
	orig := a.Analyze(ingest.Post{ID: "y", Kind: "post", Text: strings.TrimPrefix(text, "轉發：")})
	if orig.SimHash != d.SimHash {
		t.Errorf("repost simhash %s, original %s", d.SimHash, orig.SimHash)
	}
	if _, err := d.Hash(); err != nil {
		t.Error(err)
	}
}

// BenchmarkAnalyze is the full analysis of a 160-character post; `yuqing
// bench analysis` reports the same in docs per CPU-second.
func BenchmarkAnalyze(b *testing.B) {
	seg, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	a, err := NewAnalyzer(seg)
	if err != nil {
		b.Fatal(err)
	}
	p := ingest.Post{ID: "b", Kind: "post", Text: "网友爆料：今天下午三点左右，杭州市西湖区文三路附近一小区发生火灾，现场浓烟滚滚，消防已调派多辆消防车赶赴现场处置，暂无人员伤亡报告。" +
		"另有网友称附近道路出现拥堵，请过往车辆绕行。知情者可拨打电话联系，具体起火原因正在调查中，请大家不要信谣传谣。"}
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(p)
	}
}
