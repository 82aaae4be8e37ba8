package classify

import (
	"strings"
	"testing"
)

// benchPost is a typical 160-character Weibo-style post: an incident
// report with some sentiment, a repost marker and an emoticon.
const benchPost = "【突发】今天下午3点左右,城东某小区一栋居民楼发生火灾,浓烟滚滚,消防车已经赶到现场扑救,目前火势已得到控制。" +
	"据现场目击者说,起火点可能在5楼厨房,暂无人员伤亡的消息。希望大家都平安!太吓人了[泪] //@本地新闻:转发,注意用火安全," +
	"有知情人说是电动车充电引起的,具体原因还在调查中。请大家出门前记得关好煤气和电源!"

const benchSMS = "【某某银行】尊敬的客户,您的信用卡额度已提升,点击链接 http://t.cn/xxxx 领取,回复td退订。"

// benchScam is a 200-character impersonation script, the kind of text
// that wakes most rules.
const benchScam = "您好,我是市公安局刑侦支队的民警,警号是xxxxxx。我们在侦办一起特大洗钱案件时发现,您名下的一张银行卡涉嫌为犯罪团伙转移资金," +
	"现在需要您配合我们的调查。请您不要告诉任何人,包括您的家人,这是侦查保密的要求。请您下载我们指定的会议软件,打开屏幕共享," +
	"把卡内的资金转到国家安全账户进行资金清查,核查完毕后会全额退还给您。如果不配合,我们将对您下发逮捕令并冻结您名下所有资产,后果自负。"

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
		{"scam-200", Input{Text: benchScam, Words: benchWords(benchScam), Kind: "sms"}},
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
