package pii

import (
	"strings"
	"testing"
)

// benchTexts are realistic normalised posts (lower-cased, full-width folded).
var benchTexts = []struct{ name, text string }{
	{"post160/none", "【突发】今天下午3点左右，市区中山路与解放路交叉口发生一起交通事故，一辆公交车与一辆小轿车相撞，" +
		"现场有2人受伤被送往医院救治，目前交通已基本恢复。据目击者称，事故发生时正值下班高峰，路口车流量较大，" +
		"交警部门已介入调查，具体原因正在进一步核实中。请过往市民注意绕行，关注官方通报，不信谣不传谣。"},
	{"post160/two", "【求助】本人于11月26日在人民路地铁站附近丢失黑色钱包一个，内有身份证（11010519491231002x）和银行卡若干，" +
		"有拾到者请联系138-1234-5678，必有重谢！也可以拨打家里座机010-62345678，或者到附近派出所联系民警，" +
		"感谢好心人，万分感谢，希望大家帮忙转发扩散一下，谢谢大家了。"},
	{"post160/email", "有关部门回应称，对于网友反映的问题高度重视，已成立专门工作组进行调查核实，" +
		"如有相关线索可发送邮件至xinfang@example.gov.cn或来电0571-87654321反映，我们将依法依规严肃处理。" +
		"调查结果将及时向社会公布，感谢广大网友的监督和支持。"},
}

func BenchmarkFind(b *testing.B) {
	for _, tc := range benchTexts {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.text)))
			b.ReportAllocs()
			for b.Loop() {
				Find(tc.text)
			}
		})
	}
	article := strings.Repeat(benchTexts[0].text, 12) + benchTexts[1].text
	b.Run("article3k/two", func(b *testing.B) {
		b.SetBytes(int64(len(article)))
		b.ReportAllocs()
		for b.Loop() {
			Find(article)
		}
	})
}

func BenchmarkMask(b *testing.B) {
	text := benchTexts[1].text
	spans := Find(text)
	b.ReportAllocs()
	for b.Loop() {
		Mask(text, spans)
	}
}
