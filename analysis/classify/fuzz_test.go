package classify

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseRules checks that no rules file makes the parser or the
// compiler panic, and that accepted files compile.
func FuzzParseRules(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add(DefaultRules())
	f.Add([]byte("version: 1\ncategories: [{id: fraud, terms: {a: 2}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRules(data)
		if err != nil {
			return
		}
		if _, err := New(r); err != nil {
			t.Fatalf("rules parsed but do not compile: %v", err)
		}
	})
}

// FuzzClassify checks that any text gives scores in range and evidence
// offsets inside the text.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{benchPost, benchSMS, "网传某地发生爆炸系谣言", "[哈哈", "\xff火灾", ""} {
		f.Add(s, "post")
	}
	c := mustDefault(f)
	f.Fuzz(func(t *testing.T, text, kind string) {
		res := c.Classify(Input{Text: text, Kind: kind, Words: benchWords(text)})
		for id, s := range res.Categories {
			if s < MinScore || s > 1 {
				t.Fatalf("%s = %v", id, s)
			}
		}
		if res.Sentiment < -1 || res.Sentiment > 1 || res.Risk < 0 || res.Risk > 1 {
			t.Fatalf("sentiment %v risk %v", res.Sentiment, res.Risk)
		}
		for _, e := range res.Explanation {
			if e.Start < 0 || e.End > len(text) || e.Start > e.End {
				t.Fatalf("evidence %+v outside text of %d bytes", e, len(text))
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[e.Start:e.End]) {
				t.Fatalf("evidence %+v splits a character", e)
			}
		}
	})
}
