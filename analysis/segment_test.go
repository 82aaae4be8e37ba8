package analysis

import (
	"slices"
	"testing"
)

func TestTokensKeepURLsAndMentionsWhole(t *testing.T) {
	seg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "转发@人民日报 :西湖区发生火灾，详见https://t.cn/A6xYz?from=wb。联系a***@example.com或www.gov.cn"
	toks := seg.Tokens(text)
	got := terms(toks)
	for _, want := range []string{"@人民日报", "https://t.cn/a6xyz?from=wb", "www.gov.cn", "火灾"} {
		if !slices.Contains(got, want) {
			t.Errorf("tokens %v lack %q", got, want)
		}
	}
	if slices.Contains(got, "@example") {
		t.Errorf("an e-mail's domain was taken for a mention: %v", got)
	}
	for _, tok := range toks {
		if tok.Term == "https://t.cn/a6xyz?from=wb" && text[tok.Start:tok.End] != "https://t.cn/A6xYz?from=wb" {
			t.Errorf("URL offsets point at %q", text[tok.Start:tok.End])
		}
	}
}

func TestTokensOfTraditionalTextMatchSimplified(t *testing.T) {
	seg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	trad := "某工業園區發生火災，現場濃煙滾滾"
	simp := "某工业园区发生火灾，现场浓烟滚滚"
	if a, b := terms(seg.Tokens(trad)), terms(seg.Tokens(simp)); !slices.Equal(a, b) {
		t.Fatalf("traditional %v, simplified %v", a, b)
	}
	for _, tok := range seg.Tokens(trad) {
		if tok.Term == "火灾" && trad[tok.Start:tok.End] != "火災" {
			t.Fatalf("火灾 points at %q", trad[tok.Start:tok.End])
		}
	}
}
