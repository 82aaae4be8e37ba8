package places

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/internal/synth"
)

// posts are typical ~160-character posts: with places, and without.
var posts = map[string]string{
	"places": "【突发】今天下午三点左右，浙江杭州西湖区文三路附近一小区发生火灾，消防部门已赶到现场处置，暂无人员伤亡报告。" +
		"据网友爆料，火势一度较大，浓烟滚滚，周边道路实行临时交通管制。另有北京市朝阳区网友称当地也出现类似情况，" +
		"相关部门提醒广大市民注意用电安全，如有险情请及时拨打119报警电话。目前事故原因正在进一步调查之中，请大家不要轻信谣言。",
	"none": "今天的天气真不错，阳光明媚，适合出去走走。下午和朋友一起去看了电影，剧情很精彩，演员的表演也很到位。" +
		"晚上我们在一家新开的餐厅吃饭，菜品丰富，价格也比较实惠，服务员态度很好。回家的路上买了一杯奶茶，" +
		"感觉这一天过得非常充实，希望明天也能有个好心情，继续努力工作，加油！周末打算和家人一起去郊外爬山，呼吸一下新鲜空气，放松心情。",
}

func BenchmarkFind(b *testing.B) {
	g := Default()
	cases := []struct{ name, text string }{
		{"post160/places", posts["places"]},
		{"post160/none", posts["none"]},
		{"article1600", strings.Repeat(posts["places"]+posts["none"], 5)},
	}
	gen := synth.New(1, time.Time{}, 0) // the pipeline benchmark's word salad
	synthPosts := make([]string, 64)
	for i := range synthPosts {
		synthPosts[i] = gen.Text(160)
	}
	b.Run("synth160", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			g.Find(synthPosts[i%len(synthPosts)])
			i++
		}
	})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				g.Find(c.text)
			}
			b.ReportMetric(float64(utf8.RuneCountInString(c.text)), "runes")
		})
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newGazetteer(divisionsTSV); err != nil {
			b.Fatal(err)
		}
	}
}
