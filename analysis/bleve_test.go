package analysis

import (
	"slices"
	"testing"

	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// TestRegisteredAnalyzers checks that the bleve analyzers produce exactly
// the tokens yuqing computes itself: yuqing_zh the query words,
// yuqing_zh_index the indexed words with their sub-words at the parent's
// position.
func TestRegisteredAnalyzers(t *testing.T) {
	seg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	const text = "杭州市西湖区发生爆炸事故，ＡＢＣ公司称已报警。"
	cache := registry.NewCache()
	for name, want := range map[string][]Token{
		AnalyzerName:      seg.Tokens(text),
		IndexAnalyzerName: seg.IndexTokens(text),
	} {
		an, err := cache.AnalyzerNamed(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := an.Analyze([]byte(text))
		if len(got) != len(want) {
			t.Fatalf("%s: %d tokens, want %d: %v", name, len(got), len(want), got)
		}
		for i, tok := range got {
			if string(tok.Term) != want[i].Term || tok.Start != want[i].Start || tok.End != want[i].End {
				t.Errorf("%s token %d = %q [%d,%d), want %+v", name, i, tok.Term, tok.Start, tok.End, want[i])
			}
		}
	}
	idx := seg.IndexTokens(text)
	if !slices.ContainsFunc(idx, func(t Token) bool { return t.Sub }) {
		t.Fatalf("no sub-words in %+v", idx)
	}
	ts := TokenStream(idx)
	for i, tok := range idx {
		if tok.Sub && ts[i].Position != ts[i-1].Position {
			t.Errorf("sub-word %q at position %d, its word at %d", tok.Term, ts[i].Position, ts[i-1].Position)
		}
		if ts[i].Type != blevea.Ideographic && tok.Term != "abc" {
			t.Errorf("token %q has type %v", tok.Term, ts[i].Type)
		}
	}
}
