package match

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// benchDomain is the public-safety language rule authors write in (words
// the synth posts use too).
var benchDomain = strings.Fields(`火灾 起火 爆炸 冒烟 消防 救援 交通事故 追尾 车祸 拥堵 地震 暴雨 洪水 台风 停电
	停水 塌方 泄漏 污染 中毒 食品 安全 疫情 发热 医生 患者 药品 食堂 餐厅 外卖 投诉 维权 退款 质量 诈骗 骗子
	转账 汇款 验证码 客服 贷款 刷单 兼职 投资 理财 收益 高额 回报 中奖 领取 冒充 公安 账户 杭州 上海 北京 广州
	深圳 成都 武汉 南京 西安 重庆 演习 演练 地铁 公交 高速 机场 车站 小区 学校 医院 银行`)

// benchRules returns n rules of the shapes rule files use: 2–4 words with
// AND/OR/NOT, some NEAR, some with category or risk clauses. d is one of
// the 86 public-safety words (which the synth posts are full of), v a word
// of gse's vocabulary ranked 1,000 to 40,000 (rule authors do not alert
// on 我们 or 今天): a place, an organisation, a product. Most rules pair
// incident words with such a word, as the 杭州 fire rule does.
// With dense set, every word is a public-safety word one time in three
// and v otherwise, whatever the shape: about 3% of the rules then fire on
// every post, a stress case far above any real alert rate.
func benchRules(n int, dense bool) map[string]string {
	r := rand.New(rand.NewPCG(7, 11))
	big := synth.BigVocabulary()[1000:40000]
	v := func() string { return big[r.IntN(len(big))] }
	d := func() string { return benchDomain[r.IntN(len(benchDomain))] }
	if dense {
		d = func() string {
			if r.IntN(3) == 0 {
				return benchDomain[r.IntN(len(benchDomain))]
			}
			return big[r.IntN(len(big))]
		}
		v = d
	}
	rules := make(map[string]string, n)
	for i := range n {
		var e string
		switch r.IntN(8) {
		case 0:
			e = fmt.Sprintf("(%s OR %s OR %s) AND %s AND NOT %s", d(), d(), d(), v(), d())
		case 1:
			e = fmt.Sprintf("%s AND %s", d(), v())
		case 2:
			e = fmt.Sprintf("NEAR(%s, %s, %d)", d(), v(), 5+r.IntN(30))
		case 3:
			e = fmt.Sprintf("(%s OR %s) AND category:fraud >= 0.%d", v(), v(), 5+r.IntN(5))
		case 4:
			e = fmt.Sprintf("%s %s -%s", v(), d(), d())
		case 5:
			e = fmt.Sprintf("(%s OR %s) AND risk > 0.%d", v(), v(), 5+r.IntN(5))
		case 6:
			e = fmt.Sprintf("title:%s OR (%s AND %s)", v(), v(), d())
		default:
			e = fmt.Sprintf("%s OR %s OR %s OR %s", v(), v(), v(), v())
		}
		rules[fmt.Sprintf("rule-%05d", i)] = e
	}
	return rules
}

// benchDocs returns 160-character synth posts as docs, with categories
// and risk.
func benchDocs(n int) []*analysis.Doc {
	g := synth.New(5, time.Unix(0, 0), 24*time.Hour)
	r := rand.New(rand.NewPCG(3, 4))
	docs := make([]*analysis.Doc, n)
	for i := range docs {
		d := &analysis.Doc{Post: g.Post(160)}
		d.Categories = map[string]float64{}
		if r.IntN(4) == 0 {
			d.Categories["fraud.impersonation"] = r.Float64()
		}
		if r.IntN(4) == 0 {
			d.Categories["fire"] = r.Float64()
		}
		d.Risk, d.Sentiment = r.Float64(), r.Float64()*2-1
		docs[i] = d
	}
	return docs
}

func benchMatch(b *testing.B, rules int, dense bool) {
	s, err := Compile(benchRules(rules, dense), Options{})
	if err != nil {
		b.Fatal(err)
	}
	docs := benchDocs(256)
	fired := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fired += len(s.Match(docs[i%len(docs)]))
	}
	b.ReportMetric(float64(fired)/float64(b.N), "rules-fired/op")
}

// BenchmarkMatch10kRules matches one 160-character post against 10,000
// rules. The budget is 20 µs per post.
func BenchmarkMatch10kRules(b *testing.B) { benchMatch(b, 10000, false) }

// BenchmarkMatch varies the number of rules, for realistic and for dense
// rule sets (see benchRules).
func BenchmarkMatch(b *testing.B) {
	for _, dense := range []bool{false, true} {
		for _, n := range []int{100, 1000, 10000, 50000} {
			b.Run(fmt.Sprintf("dense=%v/rules=%d", dense, n), func(b *testing.B) { benchMatch(b, n, dense) })
		}
	}
}

// BenchmarkCompile10kRules compiles 10,000 rules (parse, normalise every
// literal, build the automaton and the trigger index).
func BenchmarkCompile10kRules(b *testing.B) {
	rules := benchRules(10000, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(rules, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize is the part of Match that does not depend on the
// rules: normalising a 160-character post.
func BenchmarkNormalize(b *testing.B) {
	docs := benchDocs(256)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		analysis.Normalize(docs[i%len(docs)].Text)
	}
}
