package match

import (
	"testing"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
	"github.com/yuqing-dev/yuqing/ingest"
)

// doc builds an analysed doc by hand.
func doc(text string, opts ...func(*analysis.Doc)) *analysis.Doc {
	d := &analysis.Doc{Post: ingest.Post{ID: "d", Source: "weibo", Kind: "post", Text: text}}
	for _, o := range opts {
		o(d)
	}
	return d
}

func title(t string) func(*analysis.Doc) { return func(d *analysis.Doc) { d.Title = t } }
func cats(kv ...any) func(*analysis.Doc) {
	return func(d *analysis.Doc) {
		d.Categories = map[string]float64{}
		for i := 0; i < len(kv); i += 2 {
			d.Categories[kv[i].(string)] = kv[i+1].(float64)
		}
	}
}
func risk(v float64) func(*analysis.Doc)      { return func(d *analysis.Doc) { d.Risk = v } }
func sentiment(v float64) func(*analysis.Doc) { return func(d *analysis.Doc) { d.Sentiment = v } }
func source(s string) func(*analysis.Doc)     { return func(d *analysis.Doc) { d.Source = s } }
func kind(s string) func(*analysis.Doc)       { return func(d *analysis.Doc) { d.Kind = s } }
func loc(l places.Location) func(*analysis.Doc) {
	return func(d *analysis.Doc) { d.Locations = append(d.Locations, l) }
}

// matches compiles expr alone and reports whether it holds for d.
func matches(t *testing.T, expr string, d *analysis.Doc, o Options) (bool, []Hit) {
	t.Helper()
	s, err := Compile(map[string]string{"r": expr}, o)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	res := s.Match(d)
	if len(res) == 0 {
		return false, nil
	}
	return true, res[0].Explanation
}
