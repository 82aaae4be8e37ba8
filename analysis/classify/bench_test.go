package classify

import (
	"strings"
	"testing"
)

// benchPost is a typical 160-character Weibo-style post: an incident
// report with some sentiment, a repost marker and an emoticon.
const benchPost = "【突发】今天下午3点左右,城东某小区一栋居民楼发生火灾,浓烟滚滚,消防车已经赶到现场扑救,目前火势已得到控制。" +
	"据现场目击者说,起火点可能在5楼厨房,暂无人员伤亡的消息。希望大家都平安!太吓人了[泪] //@本地新闻:转发,注意用火安全," +
	"有知情人说是电动车充电引起的,具体原因还在调查中。"

const benchSMS = "【某某银行】尊敬的客户,您的信用卡额度已提升,点击链接 http://t.cn/xxxx 领取,回复td退订。"

// benchWords is a plausible segmentation of s: runs of CJK characters cut
// into pairs, which is close enough to gse for timing.
func benchWords(s string) []string {
	var out []string
	r := []rune(s)
	for i := 0; i < len(r); i += 2 {
		out = append(out, string(r[i:min(i+2, len(r))]))
	}
	return out
}

func BenchmarkClassify(b *testing.B) {
	c := mustDefault(b)
	article := strings.Repeat(benchPost, 6)
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"sms-50", Input{Text: benchSMS, Words: benchWords(benchSMS), Kind: "sms"}},
		{"post-160", Input{Text: benchPost, Words: benchWords(benchPost), Kind: "post"}},
		{"post-160-nowords", Input{Text: benchPost, Kind: "post"}},
		{"article-1000", Input{Text: article, Words: benchWords(article), Kind: "article"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.in.Text)))
			for b.Loop() {
				c.Classify(tc.in)
			}
		})
	}
}

func mustDefault(tb testing.TB) Classifier {
	tb.Helper()
	c, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
