package classify

import (
	"math"
	"strings"
	"sync"
	"testing"
)

// in builds an Input the way the analysis stage does: full-width forms
// folded and letters lower-cased (tests cannot load gse, so Words stay
// empty unless a test gives them).
func in(text string, words ...string) Input {
	var b strings.Builder
	for _, r := range text {
		b.WriteRune(foldRune(r))
	}
	return Input{Text: b.String(), Words: words}
}

func TestCategoriesFire(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		want string
		text string
	}{
		{FraudImpersonation, "您好，我是市公安局刑侦支队的民警，您名下的银行卡涉嫌一起洗钱案件，请配合调查，把资金转到安全账户接受资金清查。"},
		{FraudImpersonation, "你好，这里是北京市人民检察院，你的身份信息被冒用，涉嫌犯罪，现在对你下发冻结令，请不要告诉任何人。"},
		{FraudLoan, "您好，我是某某金融的贷款专员，无抵押低息贷款当天放款，额度最高二十万，请先缴纳保证金验证还款能力。"},
		{FraudLoan, "您的贷款申请已审核通过，但银行卡号填写错误导致放款失败，账户被冻结，需交解冻费后才能到账。"},
		{FraudCustomerService, "您好，我是淘宝客服，您购买的商品有质量问题，我们给您办理双倍赔偿退款，请下载会议软件打开屏幕共享。"},
		{FraudCustomerService, "您好，这里是某平台客服，由于工作人员操作失误给您开通了会员服务，每月自动扣费，如需关闭请按我们的指示操作银行卡。"},
		{FraudAcquaintance, "我是你领导，明天上午来我办公室一趟。现在在开会不方便接电话，有个朋友急需用钱，你先帮我垫付转账给他。"},
		{FraudAcquaintance, "猜猜我是谁？我是你老同学啊，换号码了，存一下。最近手头有点紧，能借点钱周转吗，下周就还你。"},
		{FraudInvestment, "加入我们的股票群，老师带单推荐内幕消息牛股，稳赚不赔，收益翻倍，名额有限。"},
		{FraudPrize, "恭喜您被抽中为场外幸运观众，获得二等奖奖金十八万元，领奖前需先交个人所得税和公证费。"},
		{Fraud, "招聘兼职刷单，动动手指日结佣金，先垫付本金，完成任务后返利。"},
		{Fraud, "【ETC】您的etc认证已失效，请点击链接 http://etc-xx.cn 重新认证，逾期将停用。"},
		{IllegalFundraising, "本项目保本付息，年化收益百分之三十，发展下线还有推荐奖，拉人头越多分红越多。"},
		{Gambling, "澳门首家线上赌场上线啦，真人荷官百家乐，注册送彩金，首充返水。"},
		{Drugs, "有货，冰毒、k粉、摇头丸出售，价格私聊，同城可送。"},
		{Pornography, "同城约炮，学生妹兼职上门服务，包夜全套，加微信看照片。"},
		{WeaponsExplosives, "出售仿真枪、气枪、钢珠枪，另有雷管炸药，货到付款，联系微信。"},
		{ViolentThreat, "你给我等着，我要砍死你，杀你全家，老子迟早报复社会。"},
		{SpamAd, "【某某商场】三八女人节大酬宾，全场5折起，满300送100，新老顾客欢迎光临，详询电话 0571-88886666，回T退订。"},
		{SpamAd, "急招普工若干名，包吃包住，底薪4000，五险一金，年龄18-45岁，联系电话 13800000000。"},
		{IncidentFire, "今天下午，市区一栋居民楼发生火灾，浓烟滚滚，消防车赶到现场扑救，火势已得到控制。"},
		{IncidentExplosion, "凌晨3点，一家化工厂发生爆炸，巨响传出数公里，周边居民房屋玻璃被震碎。"},
		{IncidentTraffic, "今早高速公路上一辆大货车与小轿车追尾相撞，造成2人死亡，交警正在处置。"},
		{IncidentNaturalDisaster, "中国地震台网正式测定：某县发生5.8级地震，震源深度10千米，暂无人员伤亡报告。"},
		{IncidentNaturalDisaster, "连日特大暴雨引发山洪和泥石流，多个村庄受灾，数千群众紧急转移安置。"},
		{IncidentPublicHealth, "昨日本市新增确诊病例12例，无症状感染者30例，相关密切接触者已集中隔离。"},
		{IncidentFoodSafety, "某小学数十名学生在食堂吃了午餐后出现呕吐腹泻，疑似食物中毒，已送医治疗。"},
		{IncidentPollution, "村民反映附近化工厂偷排污水，河里出现大量死鱼，水质严重污染，散发恶臭。"},
		{IncidentWorkSafety, "某煤矿发生透水事故，井下12名矿工被困，救援工作正在进行。"},
		{IncidentTerrorAttack, "恐怖分子在市中心广场发动自杀式袭击，造成数十名无辜平民伤亡。"},
		{IncidentTerrorAttack, "一名男子在菜市场持刀伤人，砍伤多名路人后被警方制服。"},
		{IncidentStampede, "跨年夜外滩人群拥挤发生踩踏事件，造成多人死亡。"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			res := c.Classify(in(tc.text))
			if got := res.Categories[tc.want]; got < 0.5 {
				t.Errorf("%s = %.3f, want ≥ 0.5\ntext: %s\ncategories: %v\n%s", tc.want, got, tc.text, res.Categories, explain(res))
			}
			if parent := Taxonomy[indexOf(tc.want)].Parent; parent != "" {
				if top := topSubtype(res, parent); top != tc.want {
					t.Errorf("top subtype of %s = %s, want %s (%v)", parent, top, tc.want, res.Categories)
				}
			}
			if strings.HasPrefix(tc.want, "incident.") {
				if top := topPrefix(res, "incident."); top != tc.want {
					t.Errorf("top incident = %s, want %s (%v)", top, tc.want, res.Categories)
				}
			}
		})
	}
}

func topSubtype(r Result, parent string) string { return topPrefix(r, parent+".") }

func topPrefix(r Result, prefix string) string {
	best, score := "", -1.0
	for id, s := range r.Categories {
		if strings.HasPrefix(id, prefix) && (s > score || s == score && id < best) {
			best, score = id, s
		}
	}
	return best
}

func explain(r Result) string {
	var b strings.Builder
	for _, e := range r.Explanation {
		b.WriteString("  ")
		b.WriteString(e.Category + " " + e.Term + " " + e.Note + "\n")
	}
	return b.String()
}

// TestDiscounts checks that drills, rumour denials, negation and anti-fraud
// publicity keep a category below 0.5 but still explain the hit.
func TestDiscounts(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		name, text, cat, term, note string
	}{
		{"drill", "今天上午学校组织消防演习，模拟教学楼发生火灾，师生有序疏散。", IncidentFire, "火灾", "context"},
		{"drill exercise", "化工园区开展爆炸事故应急演练。", IncidentExplosion, "爆炸事故", "context"},
		{"rumour", "网传某地发生爆炸系谣言", IncidentExplosion, "发生爆炸", "rumour"},
		{"rumour denial", "警方辟谣：网传某小区发生火灾不实。", IncidentFire, "火灾", "rumour"},
		{"negation", "经核实，该小区并没有发生火灾。", IncidentFire, "火灾", "negated"},
		{"anti-fraud publicity", "警方提醒：凡是要求转账到安全账户的都是诈骗", FraudImpersonation, "安全账户", "context"},
		{"anti-fraud publicity long", "反诈宣传：冒充公检法说你涉嫌洗钱、要求把资金转到安全账户的，都是诈骗，请提高警惕。", FraudImpersonation, "安全账户", "context"},
		{"film", "这部电影里有一场大楼起火的戏。", IncidentFire, "起火", "context"},
		{"anniversary", "纪念汶川地震十周年。", IncidentNaturalDisaster, "地震", "context"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Classify(in(tc.text))
			if s := res.Categories[tc.cat]; s >= 0.5 {
				t.Errorf("%s = %.3f, want < 0.5\n%s", tc.cat, s, explain(res))
			}
			if tc.cat != Fraud && strings.HasPrefix(tc.cat, Fraud) && res.Categories[Fraud] >= 0.5 {
				t.Errorf("fraud = %.3f, want < 0.5\n%s", res.Categories[Fraud], explain(res))
			}
			for _, e := range res.Explanation {
				if e.Category == tc.cat && e.Term == tc.term {
					if !strings.Contains(e.Note, tc.note) {
						t.Errorf("evidence %q note %q, want it to mention %q", e.Term, e.Note, tc.note)
					}
					return
				}
			}
			t.Errorf("no evidence %s %q\n%s", tc.cat, tc.term, explain(res))
		})
	}
}

func TestExplanationOffsets(t *testing.T) {
	c := mustDefault(t)
	for _, text := range []string{
		"今天下午，市区一栋居民楼发生火灾，浓烟滚滚，太可怕了[泪]",
		"您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请把资金转到安全账户。",
		"ＡＢＣ全角字母与【某某商场】全场５折，详询电话０５７１－８８８８６６６６，回Ｔ退订",
		"网传某地发生爆炸系谣言，大家不要转发[怒]",
	} {
		input := in(text)
		res := c.Classify(input)
		if len(res.Explanation) == 0 {
			t.Errorf("%s: no explanation", text)
		}
		for _, e := range res.Explanation {
			if e.Start < 0 || e.End > len(input.Text) || e.Start >= e.End {
				t.Fatalf("%q: evidence %+v out of range", text, e)
			}
			span := input.Text[e.Start:e.End]
			if strings.Contains(e.Term, "+") && strings.HasPrefix(e.Note, "combination") {
				for _, part := range strings.Split(e.Term, "+") {
					if !strings.Contains(span, part) {
						t.Errorf("combination %q: span %q lacks %q", e.Term, span, part)
					}
				}
				continue
			}
			if span != e.Term {
				t.Errorf("evidence %+v: Text[%d:%d] = %q, want the term", e, e.Start, e.End, span)
			}
		}
	}
}

func TestParentIsMaxOfSubtypes(t *testing.T) {
	c := mustDefault(t)
	for _, text := range []string{
		"您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请把资金转到安全账户。",
		"我是你领导，明天来我办公室一趟，先帮我垫付一笔钱转给朋友。",
		"您好，我是淘宝客服，您的快递丢失了，我们给您理赔退款，请提供验证码。",
		"无抵押低息贷款，秒批秒下款，先交保证金。",
	} {
		res := c.Classify(in(text))
		max := 0.0
		for _, cat := range Taxonomy {
			if cat.Parent == Fraud {
				max = math.Max(max, res.Categories[cat.ID])
			}
		}
		if max == 0 {
			t.Fatalf("%s: no fraud subtype scored: %v", text, res.Categories)
		}
		got := res.Categories[Fraud]
		own := false
		for _, e := range res.Explanation {
			own = own || e.Category == Fraud
		}
		if got < max || !own && got != max {
			t.Errorf("%s: fraud = %v, max of subtypes = %v (own evidence: %v)", text, got, max, own)
		}
	}
}

func TestScoresInRange(t *testing.T) {
	c := mustDefault(t)
	texts := []string{"", "   ", "hello world", "[哈哈][哈哈][哈哈]!!!!!!", "不不不不不不好", strings.Repeat("火灾爆炸地震车祸安全账户", 200),
		"[", "]]]][[[", "没有", "谣言", "\xff\xfe火灾", "退订回t退订回t退订回t"}
	for _, text := range texts {
		res := c.Classify(in(text))
		for id, s := range res.Categories {
			if _, ok := Lookup(id); !ok {
				t.Errorf("%q: unknown category %q", text, id)
			}
			if s < MinScore || s > 1 {
				t.Errorf("%q: %s = %v out of [MinScore, 1]", text, id, s)
			}
		}
		if res.Sentiment < -1 || res.Sentiment > 1 || res.Risk < 0 || res.Risk > 1 {
			t.Errorf("%q: sentiment %v, risk %v out of range", text, res.Sentiment, res.Risk)
		}
	}
}

func TestMinScoreFilters(t *testing.T) {
	c := mustDefault(t)
	// 投资 alone is weak evidence of investment fraud (0.05).
	res := c.Classify(in("我们聊聊投资。"))
	if _, ok := res.Categories[FraudInvestment]; ok {
		t.Errorf("weak evidence kept: %v", res.Categories)
	}
	found := false
	for _, e := range res.Explanation {
		found = found || e.Category == FraudInvestment
	}
	if !found {
		t.Errorf("weak evidence not explained: %+v", res.Explanation)
	}
}

func TestSentimentSign(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		text  string
		words []string
		sign  int
	}{
		{"今天好开心[哈哈]", nil, 1},
		{"这家餐厅的菜非常好吃，服务也很热情，强烈推荐！", nil, 1},
		{"生日快乐，祝你天天开心[爱你]", nil, 1},
		{"太难过了[泪]", nil, -1},
		{"服务态度太差了，再也不来了，气死我了[怒]", nil, -1},
		{"排了三个小时的队，真是崩溃[抓狂]", nil, -1},
		{"我不喜欢这个结局", []string{"我", "不", "喜欢", "这个", "结局"}, -1},
		{"这个手机还不错", []string{"这个", "手机", "还", "不错"}, 1},
		{"鄙视这种行为[鄙视]", nil, -1},
		{"今天天气不好", []string{"今天", "天气", "不好"}, -1},
		{"这个会议在三楼", nil, 0},
	} {
		res := c.Classify(in(tc.text, tc.words...))
		got := 0
		switch {
		case res.Sentiment > 0:
			got = 1
		case res.Sentiment < 0:
			got = -1
		}
		if got != tc.sign {
			t.Errorf("%s: sentiment %v, want sign %d\n%s", tc.text, res.Sentiment, tc.sign, explain(res))
		}
	}
}

// TestSentimentWholeWords checks that a one-character sentiment word inside
// a longer word of the segmentation does not count.
func TestSentimentWholeWords(t *testing.T) {
	c := mustDefault(t)
	res := c.Classify(in("好像要下雨了", "好像", "要", "下雨", "了"))
	if res.Sentiment != 0 {
		t.Errorf("sentiment %v, want 0\n%s", res.Sentiment, explain(res))
	}
	res = c.Classify(in("天气好", "天气", "好"))
	if res.Sentiment <= 0 {
		t.Errorf("sentiment %v, want > 0\n%s", res.Sentiment, explain(res))
	}
}

func TestRisk(t *testing.T) {
	c := mustDefault(t)
	fire := c.Classify(in("居民楼发生火灾，浓烟滚滚，有人被困，太可怕了"))
	calm := c.Classify(in("今天的会议在三楼举行。"))
	sad := c.Classify(in("今天好难过[泪]"))
	if fire.Risk < 0.5 {
		t.Errorf("fire risk %v, want ≥ 0.5", fire.Risk)
	}
	if calm.Risk != 0 {
		t.Errorf("calm risk %v, want 0", calm.Risk)
	}
	if sad.Risk <= 0 || sad.Risk >= 0.2 {
		t.Errorf("sad risk %v, want in (0, 0.2)", sad.Risk)
	}
}

func TestConcurrentClassify(t *testing.T) {
	c := mustDefault(t)
	want := c.Classify(in(benchPost))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				got := c.Classify(in(benchPost))
				if got.Risk != want.Risk || len(got.Explanation) != len(want.Explanation) {
					t.Error("concurrent results differ")
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestSeparatorsAndNumbers checks the spam-evasion and number detectors:
// a term matches across inserted separators with offsets covering the
// text as written, and <phone>/<account> see masked digits.
func TestSeparatorsAndNumbers(t *testing.T) {
	c := mustDefault(t)
	res := c.Classify(in("无.抵.押 贷款,当天放款"))
	found := false
	for _, e := range res.Explanation {
		if e.Term == "无.抵.押" {
			found = true
		}
	}
	if !found {
		t.Errorf("separated term not found\n%s", explain(res))
	}
	res = c.Classify(in("春季新品上市,全场优惠,欢迎光临,王经理 138-xxxx-xxxx"))
	if res.Categories[SpamAd] < 0.5 {
		t.Errorf("advert with phone number: %v\n%s", res.Categories, explain(res))
	}
	got := scanNumbers("tel 0571-8888 6666, card 6222xxxxxxxxxxxx123, year 2024", 1, 2, nil)
	want := []acHit{{1, 4, 18}, {2, 25, 44}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("scanNumbers = %v, want %v", got, want)
	}
}
