package analysis

import (
	"slices"
	"testing"
)

func TestKeywords(t *testing.T) {
	seg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "网友爆料：杭州市西湖区一化工厂发生爆炸，现场浓烟滚滚。化工厂附近居民已疏散，爆炸原因正在调查。联系电话138****5678，详见https://t.cn/abc"
	kws := Keywords(seg.IndexTokens(text), 5)
	if len(kws) != 5 {
		t.Fatalf("keywords %v", kws)
	}
	var terms []string
	for _, k := range kws {
		terms = append(terms, k.Term)
	}
	for _, want := range []string{"化工厂", "爆炸"} {
		if !slices.Contains(terms[:3], want) {
			t.Errorf("top 3 keywords %v lack %q", terms, want)
		}
	}
	for _, k := range kws {
		switch {
		case k.Term == "网友" || k.Term == "已" || k.Term == "https://t.cn/abc":
			t.Errorf("stop word, link or single character %q is a keyword", k.Term)
		case k.Weight <= 0 || k.Weight > 1:
			t.Errorf("weight %v out of (0,1]", k.Weight)
		}
	}
	if kws[0].Weight != 1 {
		t.Errorf("top weight %v, want 1", kws[0].Weight)
	}
	if kw := Keywords(nil, 5); kw == nil || len(kw) != 0 {
		t.Errorf("Keywords(nil) = %#v, want an empty slice", kw)
	}
}
