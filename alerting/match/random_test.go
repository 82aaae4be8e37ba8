package match

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// Words the synth generator uses, and some traditional forms.
var randWords = strings.Fields(`火灾 起火 爆炸 消防 救援 杭州 上海 诈骗 转账 验证码 冒充 公安 客服 退款 贷款
	今天 我们 没有 小区 居民 发生 出现 提醒 注意 停电 暴雨 食品 安全 医院 银行 問題 發生 火災 銀行 一个 网友`)

var randCats = []string{"fraud", "fraud.phone", "fire", "fire.building", "traffic", "health"}

// randExpr returns a random expression of every construct.
func randExpr(r *rand.Rand, depth int) string {
	w := func() string { return randWords[r.IntN(len(randWords))] }
	if depth <= 0 || r.IntN(3) == 0 {
		switch r.IntN(14) {
		case 0:
			return fmt.Sprintf("NEAR(%s, %s, %d)", w(), w(), r.IntN(12))
		case 1:
			return fmt.Sprintf("category:%s %s %.1f", randCats[r.IntN(len(randCats))], []string{">=", ">", "<=", "<", "="}[r.IntN(5)], r.Float64())
		case 2:
			return fmt.Sprintf("risk > %.1f", r.Float64())
		case 3:
			return fmt.Sprintf("sentiment < %.1f", r.Float64()*2-1)
		case 4:
			return "source:" + []string{"weibo", "news", "news:people", "sms"}[r.IntN(4)]
		case 5:
			return "kind:" + []string{"sms", "post"}[r.IntN(2)]
		case 6:
			return "region:" + []string{"杭州", "浙江", "上海"}[r.IntN(3)]
		case 7:
			return []string{"title:", "text:"}[r.IntN(2)] + w()
		case 8:
			return `"` + w() + w()[:3] + `"`
		case 9:
			return "category:" + randCats[r.IntN(len(randCats))]
		}
		return w()
	}
	var parts []string
	for range 2 + r.IntN(3) {
		parts = append(parts, randExpr(r, depth-1))
	}
	switch r.IntN(5) {
	case 0:
		return "NOT (" + strings.Join(parts, " OR ") + ")"
	case 1:
		return "(" + strings.Join(parts, " ") + ")"
	case 2:
		return parts[0] + " AND -" + parts[1]
	}
	return "(" + strings.Join(parts, []string{" AND ", " OR "}[r.IntN(2)]) + ")"
}

func randDoc(r *rand.Rand, g *synth.Generator) *analysis.Doc {
	d := doc(g.Text(40 + r.IntN(120)))
	if r.IntN(3) == 0 {
		d.Title = g.Text(10 + r.IntN(20))
	}
	if r.IntN(4) == 0 {
		d.Text += randWords[r.IntN(len(randWords))] // traditional forms too
	}
	d.Categories = map[string]float64{}
	for _, c := range randCats {
		if r.IntN(3) == 0 {
			d.Categories[c] = float64(r.IntN(10)) / 10
		}
	}
	d.Risk, d.Sentiment = float64(r.IntN(11))/10, float64(r.IntN(21))/10-1
	d.Source = []string{"weibo", "news:people", "news:xinhuanet", "sms"}[r.IntN(4)]
	d.Kind = []string{"sms", "post"}[r.IntN(2)]
	if r.IntN(2) == 0 {
		d.Locations = []places.Location{{Province: "浙江省", City: "杭州市", Mention: "杭州"}}
	}
	return d
}

// TestSetEqualsReference checks a Set of 1,000 random rules against a
// naive evaluation of each rule alone on its AST.
func TestSetEqualsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	exprs := map[string]string{}
	nodes := map[string]Node{}
	for i := range 1000 {
		id := fmt.Sprintf("r%04d", i)
		exprs[id] = randExpr(r, 3)
		n, err := Parse(exprs[id])
		if err != nil {
			t.Fatalf("%s: %v", exprs[id], err)
		}
		nodes[id] = n
	}
	s, err := Compile(exprs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(3, time.Unix(0, 0), time.Hour)
	fired := 0
	for range 300 {
		d := randDoc(r, g)
		var want []string
		fields := map[string]string{"text": normalize(d.DisplayText()), "title": normalize(d.DisplayTitle())}
		for id, n := range nodes {
			if refEval(n, d, fields) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		var got []string
		for _, res := range s.Match(d) {
			got = append(got, res.RuleID)
			checkHits(t, d, res)
		}
		fired += len(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("doc %q title %q: got %d rules, want %d\nonly got: %v\nonly want: %v", d.Text, d.Title,
				len(got), len(want), diff(got, want, exprs), diff(want, got, exprs))
		}
	}
	if fired < 1000 {
		t.Errorf("only %d rule matches in all: the test exercises too little", fired)
	}
}

func checkHits(t *testing.T, d *analysis.Doc, res Result) {
	t.Helper()
	for _, h := range res.Explanation {
		src := map[string]string{"text": d.Text, "title": d.Title}[h.Field]
		if h.Field != "" && h.Field != "text" || h.Field == "text" && !strings.HasPrefix(h.Clause, "region:") {
			if h.Start < 0 || h.End > len(src) || src[h.Start:h.End] != h.Term {
				t.Errorf("rule %s: %+v does not point at its term", res.RuleID, h)
			}
		}
	}
	if len(res.Explanation) == 0 {
		t.Errorf("rule %s fired with no explanation", res.RuleID)
	}
}

func diff(a, b []string, exprs map[string]string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x+": "+exprs[x])
		}
	}
	return out
}

// refEval evaluates n on d the slow, obvious way.
func refEval(n Node, d *analysis.Doc, fields map[string]string) bool {
	inScope := func(scope string) []string {
		if scope == "" {
			return []string{"text", "title"}
		}
		return []string{scope}
	}
	switch n := n.(type) {
	case *And:
		for _, c := range n.Nodes {
			if !refEval(c, d, fields) {
				return false
			}
		}
		return true
	case *Or:
		for _, c := range n.Nodes {
			if refEval(c, d, fields) {
				return true
			}
		}
		return false
	case *Not:
		return !refEval(n.Node, d, fields)
	case *Term:
		for _, f := range inScope(n.Field) {
			if strings.Contains(fields[f], normalize(n.Text)) {
				return true
			}
		}
		return false
	case *Near:
		for _, f := range inScope(n.Field) {
			for _, a := range refOcc(fields[f], normalize(n.A.Text)) {
				for _, b := range refOcc(fields[f], normalize(n.B.Text)) {
					if b[0] >= a[1] && b[0]-a[1] <= n.N || a[0] >= b[1] && a[0]-b[1] <= n.N {
						return true
					}
				}
			}
		}
		return false
	case *Score:
		v := map[string]float64{"risk": d.Risk, "sentiment": d.Sentiment}[n.Name]
		if n.Name == "category" {
			for c, x := range d.Categories {
				if (c == n.ID || strings.HasPrefix(c, n.ID+".")) && x > v {
					v = x
				}
			}
		}
		return compare(v, n.Op, n.Value)
	case *Attr:
		switch n.Name {
		case "source":
			return d.Source == n.Value || strings.HasPrefix(d.Source, n.Value+":")
		case "kind":
			return d.Kind == n.Value
		}
		for _, l := range d.Locations {
			for _, p := range []string{l.Province, l.City, l.District} {
				if p != "" && strings.HasPrefix(p, n.Value) {
					return true
				}
			}
		}
		return false
	}
	panic(fmt.Sprintf("refEval: %T", n))
}

// refOcc returns the rune ranges of every occurrence of p in s.
func refOcc(s, p string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], p) {
			rs := utf8.RuneCountInString(s[:i])
			out = append(out, [2]int{rs, rs + utf8.RuneCountInString(p)})
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return out
}
