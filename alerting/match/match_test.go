package match

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
)

func TestMatchConstructs(t *testing.T) {
	hz := places.Location{Province: "浙江省", City: "杭州市", District: "西湖区", Mention: "杭州西湖区", Start: 0, End: 15}
	tests := []struct {
		name string
		expr string
		doc  *analysis.Doc
		want bool
	}{
		{"word", `火灾`, doc("杭州发生火灾"), true},
		{"word absent", `爆炸`, doc("杭州发生火灾"), false},
		{"traditional text", `火灾`, doc("杭州發生火災"), true},
		{"traditional pattern", `發生火災`, doc("杭州发生火灾"), true},
		{"full-width text", `abc公司`, doc("ＡＢＣ公司"), true},
		{"full-width pattern", `ＡＢＣ`, doc("abc公司"), true},
		{"case", `ABC`, doc("abc公司"), true},
		{"phrase with space", `"杭州 西湖"`, doc("杭州  西湖 景区"), true},
		{"phrase order", `"西湖 杭州"`, doc("杭州 西湖"), false},
		{"full-width quotes", `“杭州 西湖”`, doc("杭州 西湖"), true},
		{"and", `火灾 AND 杭州`, doc("杭州发生火灾"), true},
		{"and one missing", `火灾 AND 宁波`, doc("杭州发生火灾"), false},
		{"juxtaposition", `火灾 杭州`, doc("杭州发生火灾"), true},
		{"juxtaposition missing", `火灾 宁波`, doc("杭州发生火灾"), false},
		{"or", `宁波 OR 杭州`, doc("杭州发生火灾"), true},
		{"or none", `宁波 OR 温州`, doc("杭州发生火灾"), false},
		{"not", `火灾 AND NOT 演习`, doc("杭州发生火灾"), true},
		{"not present", `火灾 AND NOT 演习`, doc("杭州消防演习，模拟火灾"), false},
		{"minus", `火灾 -演习`, doc("杭州消防演习，模拟火灾"), false},
		{"not-only holds", `NOT 演习`, doc("杭州发生火灾"), true},
		{"not-only fails", `-演习`, doc("消防演习"), false},
		{"not not", `NOT NOT 火灾`, doc("火灾"), true},
		{"issue rule", `(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习`, doc("杭州滨江一仓库起火"), true},
		{"issue rule drill", `(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习`, doc("杭州滨江一仓库起火演习"), false},
		{"nested parens", `((火灾 OR 爆炸) AND (宁波 OR 杭州)) OR (地震 AND NOT 演练)`, doc("宁波港口爆炸"), true},
		{"nested parens other branch", `((火灾 OR 爆炸) AND (宁波 OR 杭州)) OR (地震 AND NOT 演练)`, doc("云南地震"), true},
		{"nested parens none", `((火灾 OR 爆炸) AND (宁波 OR 杭州)) OR (地震 AND NOT 演练)`, doc("地震演练"), false},
		{"full-width syntax", `（火灾 ＯＲ 起火）ＡＮＤ 杭州`, doc("杭州起火"), true},
		{"near at N", `NEAR(冒充, 公安, 3)`, doc("有人冒充一二三公安"), true},
		{"near at N+1", `NEAR(冒充, 公安, 2)`, doc("有人冒充一二三公安"), false},
		{"near reversed", `NEAR(冒充, 公安, 3)`, doc("公安一二三冒充"), true},
		{"near reversed N+1", `NEAR(冒充, 公安, 2)`, doc("公安一二三冒充"), false},
		{"near adjacent", `NEAR(冒充, 公安, 0)`, doc("冒充公安"), true},
		{"near second pair", `NEAR(冒充, 公安, 1)`, doc("冒充一二三四公安，又冒充了公安"), true},
		{"near across fields", `NEAR(冒充, 公安, 50)`, doc("公安提醒", title("谨防冒充")), false},
		{"near overlapping", `NEAR(火灾, 灾害, 5)`, doc("火灾害"), false},
		{"near same word", `NEAR(转账, 转账, 2)`, doc("转账再转账"), true},
		{"near same word once", `NEAR(转账, 转账, 2)`, doc("转账"), false},
		{"near traditional", `NEAR(冒充, 公安, 3)`, doc("冒充一個公安"), true},
		{"near phrase", `NEAR("安全 提示", 火灾, 2)`, doc("安全 提示：火灾"), true},
		{"near in title", `title:NEAR(冒充, 公安, 1)`, doc("冒充公安", title("冒充了公安")), true},
		{"near scoped to title only", `title:NEAR(冒充, 公安, 1)`, doc("冒充公安", title("冒充")), false},
		{"title scope", `title:火灾`, doc("正文", title("杭州火灾")), true},
		{"title scope text only", `title:火灾`, doc("杭州火灾", title("标题")), false},
		{"text scope", `text:火灾`, doc("杭州火灾", title("标题")), true},
		{"text scope title only", `text:火灾`, doc("正文", title("杭州火灾")), false},
		{"default scope title", `火灾`, doc("正文", title("杭州火灾")), true},
		{"scoped group", `title:(火灾 OR 爆炸) AND 杭州`, doc("杭州", title("爆炸")), true},
		{"scoped group text", `title:(火灾 OR 爆炸) AND 杭州`, doc("杭州爆炸", title("标题")), false},
		{"scoped phrase", `title:"杭州 火灾"`, doc("正文", title("杭州 火灾")), true},
		{"category", `category:fraud >= 0.7`, doc("x", cats("fraud", 0.7)), true},
		{"category below", `category:fraud >= 0.7`, doc("x", cats("fraud", 0.69)), false},
		{"category subtype", `category:fraud >= 0.7`, doc("x", cats("fraud", 0.2, "fraud.impersonation", 0.9)), true},
		{"category not prefix of word", `category:fraud >= 0.1`, doc("x", cats("fraudster", 0.9)), false},
		{"category absent", `category:fraud >= 0.7`, doc("x"), false},
		{"category present", `category:fire`, doc("x", cats("fire.building", 0.3)), true},
		{"category present absent", `category:fire`, doc("x", cats("fraud", 0.3)), false},
		{"category less than", `category:fraud < 0.5`, doc("x"), true},
		{"category equal", `category:fraud = 0.3`, doc("x", cats("fraud", 0.3)), true},
		{"category full-width op", `category:fraud ＞＝ 0.7`, doc("x", cats("fraud", 0.8)), true},
		{"risk >", `risk > 0.8`, doc("x", risk(0.81)), true},
		{"risk > at value", `risk > 0.8`, doc("x", risk(0.8)), false},
		{"risk >= at value", `risk >= 0.8`, doc("x", risk(0.8)), true},
		{"risk <=", `risk <= 0.2`, doc("x", risk(0.2)), true},
		{"risk no spaces", `risk>0.8`, doc("x", risk(0.9)), true},
		{"sentiment <", `sentiment < -0.5`, doc("x", sentiment(-0.6)), true},
		{"sentiment < at value", `sentiment < -0.5`, doc("x", sentiment(-0.5)), false},
		{"risk as word", `risk 火灾`, doc("risk of 火灾"), true},
		{"source", `source:weibo`, doc("x"), true},
		{"source other", `source:wechat`, doc("x"), false},
		{"source family", `source:news`, doc("x", source("news:xinhuanet")), true},
		{"source exact sub", `source:news:xinhuanet`, doc("x", source("news:xinhuanet")), true},
		{"source not prefix of word", `source:new`, doc("x", source("news:xinhuanet")), false},
		{"kind", `kind:sms`, doc("x", kind("sms")), true},
		{"kind other", `kind:sms`, doc("x"), false},
		{"region city", `region:杭州`, doc("x", loc(hz)), true},
		{"region province", `region:浙江`, doc("x", loc(hz)), true},
		{"region district", `region:西湖区`, doc("x", loc(hz)), true},
		{"region other", `region:宁波`, doc("x", loc(hz)), false},
		{"region none", `region:杭州`, doc("杭州"), false},
		{"mixed", `category:fraud >= 0.7 AND kind:sms AND (验证码 OR 转账) AND risk > 0.5`,
			doc("请提供验证码", kind("sms"), cats("fraud.phone", 0.8), risk(0.6)), true},
		{"mixed not", `category:fraud >= 0.7 AND NOT source:weibo`, doc("x", cats("fraud", 0.9)), false},
		{"html", `起火`, doc("<b>杭州</b>起火"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, hits := matches(t, tc.expr, tc.doc, Options{})
			if got != tc.want {
				t.Errorf("%s on %q (title %q): got %v, want %v; %v", tc.expr, tc.doc.Text, tc.doc.Title, got, tc.want, hits)
			}
		})
	}
}

func TestExplanation(t *testing.T) {
	text := "昨晚<b>杭州</b>發生火災，有人冒充ＡＢＣ公安"
	d := doc(text, title("杭州火災"), cats("fraud.phone", 0.8), risk(0.9), kind("sms"),
		loc(places.Location{Province: "浙江省", City: "杭州市", Mention: "杭州", Start: 9, End: 15}))
	expr := `(火灾 OR 爆炸) AND NEAR(冒充, 公安, 3) AND category:fraud >= 0.7 AND risk > 0.8 AND NOT 演习 AND kind:sms AND region:杭州 AND title:杭州`
	ok, hits := matches(t, expr, d, Options{})
	if !ok {
		t.Fatal("no match")
	}
	fire := len("昨晚<b>杭州</b>發生")
	near := len("昨晚<b>杭州</b>發生火災，有人")
	want := []Hit{
		{Clause: "火灾", Field: "text", Term: "火災", Start: fire, End: fire + 6},
		{Clause: "火灾", Field: "title", Term: "火災", Start: 6, End: 12},
		{Clause: "NEAR(冒充, 公安, 3)", Field: "text", Term: "冒充ＡＢＣ公安", Start: near, End: len(text)},
		{Clause: "category:fraud >= 0.7", Score: 0.8},
		{Clause: "risk > 0.8", Score: 0.9},
		{Clause: "NOT 演习"},
		{Clause: "kind:sms", Term: "sms"},
		{Clause: "region:杭州", Field: "text", Term: "杭州", Start: 9, End: 15},
		{Clause: "title:杭州", Field: "title", Term: "杭州", Start: 0, End: 6},
	}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("explanation:\n got %+v\nwant %+v", hits, want)
	}
	for _, h := range hits {
		src := text
		if h.Field == "title" {
			src = d.Title
		}
		if h.Field != "" && src[h.Start:h.End] != h.Term {
			t.Errorf("%s: offsets %d:%d give %q, not %q", h.Clause, h.Start, h.End, src[h.Start:h.End], h.Term)
		}
	}
}

func TestExplanationOrOnlyTrueBranches(t *testing.T) {
	_, hits := matches(t, `火灾 OR 爆炸 OR 起火`, doc("仓库起火后爆炸"), Options{})
	var clauses []string
	for _, h := range hits {
		clauses = append(clauses, h.Clause)
	}
	if want := []string{"爆炸", "起火"}; !reflect.DeepEqual(clauses, want) {
		t.Errorf("clauses %v, want %v", clauses, want)
	}
}

func TestMaskedDocOffsets(t *testing.T) {
	// MaskedText has the original's byte length; offsets hold in both.
	d := doc("电话13812345678冒充公安", func(d *analysis.Doc) { d.MaskedText = "电话138****5678冒充公安" })
	_, hits := matches(t, `冒充`, d, Options{})
	if len(hits) != 1 || d.Text[hits[0].Start:hits[0].End] != "冒充" {
		t.Errorf("hits %+v", hits)
	}
}

func TestMatchSortedByRuleID(t *testing.T) {
	s, err := Compile(map[string]string{"c": "火灾", "a": "杭州", "b": "宁波", "d": "-演习"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range s.Match(doc("杭州火灾")) {
		ids = append(ids, r.RuleID)
	}
	if want := []string{"a", "c", "d"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if s.Len() != 4 {
		t.Errorf("Len %d", s.Len())
	}
}

func TestSavedSearch(t *testing.T) {
	saved := map[string]string{
		"fire":  "火灾 OR 起火",
		"hz":    "search:fire AND 杭州",
		"a":     "search:b",
		"b":     "火灾 search:a",
		"self":  "search:self",
		"bad":   "火灾 AND (",
		"usesB": "search:bad",
	}
	notFound := errors.New("not found")
	o := Options{SavedSearch: func(name string) (string, error) {
		if e, ok := saved[name]; ok {
			return e, nil
		}
		return "", fmt.Errorf("saved search %s: %w", name, notFound)
	}}
	for _, tc := range []struct {
		expr string
		d    *analysis.Doc
		want bool
	}{
		{`search:fire`, doc("仓库起火"), true},
		{`search:fire`, doc("仓库爆炸"), false},
		{`search:hz AND NOT 演习`, doc("杭州仓库起火"), true},
		{`search:hz AND NOT 演习`, doc("宁波仓库起火"), false},
		{`search:fire AND search:hz`, doc("杭州火灾"), true},
	} {
		if got, _ := matches(t, tc.expr, tc.d, o); got != tc.want {
			t.Errorf("%s on %q: got %v", tc.expr, tc.d.Text, got)
		}
	}
	for _, tc := range []struct {
		expr string
		pos  int
		is   error
	}{
		{`火灾 AND search:missing`, 7, notFound},
		{`火灾 search:a`, 3, nil},
		{`search:self`, 0, nil},
		{`杭州 search:usesB`, 3, nil},
	} {
		_, err := Compile(map[string]string{"rule-1": tc.expr}, o)
		var re *RuleError
		var se *SyntaxError
		if !errors.As(err, &re) || re.RuleID != "rule-1" || !errors.As(err, &se) || se.Pos != tc.pos {
			t.Errorf("%s: error %v, want rule-1 at %d", tc.expr, err, tc.pos)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v does not wrap %v", tc.expr, err, tc.is)
		}
		t.Logf("%s: %v", tc.expr, err)
	}
	if _, err := Compile(map[string]string{"r": "search:fire"}, Options{}); !errors.Is(err, ErrNoSavedSearches) {
		t.Errorf("no resolver: %v", err)
	}
}

func TestCompileErrorsNameRules(t *testing.T) {
	_, err := Compile(map[string]string{"ok": "火灾", "b-bad": "火灾 AND", "a-bad": "(杭州"}, Options{})
	var re *RuleError
	if !errors.As(err, &re) || re.RuleID != "a-bad" {
		t.Fatalf("error %v, want the first failing rule a-bad", err)
	}
	want := "rule a-bad: at 3: expected \")\" to close \"(\" opened at 0\nrule b-bad: at 6: expected a term after \"AND\""
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

func TestMatchConcurrent(t *testing.T) {
	s, err := Compile(map[string]string{"fire": "火灾 AND 杭州", "drill": "NOT 演习", "fraud": "category:fraud > 0.5"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := []*analysis.Doc{doc("杭州火灾"), doc("消防演习", cats("fraud", 0.9)), doc("杭州發生火災")}
	want := make([][]Result, len(docs))
	for i, d := range docs {
		want[i] = s.Match(d)
	}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for k := range 200 {
				i := (g + k) % len(docs)
				if got := s.Match(docs[i]); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("doc %d: %+v, want %+v", i, got, want[i])
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
