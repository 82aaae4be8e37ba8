package classify

import "testing"

func TestQuickParse(t *testing.T) {
	r, err := ParseRules(defaultRules)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"警方提醒:凡是要求转账到安全账户的都是诈骗", "我是北京市公安局的警官,你的银行卡涉嫌洗钱,需要把资金转到安全账户", "网传某地发生爆炸系谣言", "今天消防演习,模拟火灾现场", "某小区发生火灾,浓烟滚滚", "今天好开心[哈哈]", "太难过了[泪]"} {
		res := c.Classify(Input{Text: s})
		t.Logf("%s => %v sent=%v risk=%v", s, res.Categories, res.Sentiment, res.Risk)
		for _, e := range res.Explanation {
			t.Logf("   %+v", e)
		}
	}
}
