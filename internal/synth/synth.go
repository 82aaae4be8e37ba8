// Package synth generates realistic-looking Chinese posts for benchmarks
// and load tests: sentences built from a vocabulary with a Zipf-like word
// distribution, a mix of sources and kinds, and times spread over a
// period. The vocabulary is written here from everyday and public-safety
// language; nothing is taken from evaluation data.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/ingest"
)

var vocabulary = strings.Fields(`
我们 今天 一个 没有 什么 这个 知道 已经 现在 因为 所以 但是 如果 还是 可以 大家 朋友 自己 时候 事情
地方 小区 街道 社区 居民 市民 网友 记者 消息 视频 照片 情况 问题 工作 部门 政府 公司 学校 医院 银行
发生 出现 表示 介绍 发布 通报 提醒 注意 关注 调查 处理 回应 核实 了解 确认 转发 评论 点赞 分享 希望
火灾 起火 爆炸 冒烟 消防 救援 交通事故 追尾 车祸 拥堵 地震 暴雨 洪水 台风 停电 停水 塌方 泄漏 污染 中毒
食品 安全 疫情 发热 医生 患者 药品 食堂 餐厅 外卖 超市 价格 上涨 下跌 投诉 维权 退款 质量 问题 检查
诈骗 骗子 转账 汇款 验证码 客服 退款 贷款 刷单 兼职 投资 理财 收益 高额 回报 中奖 领取 冒充 公安 账户
今晚 明天 上午 下午 晚上 凌晨 周末 假期 春节 国庆 天气 温度 下雨 晴天 出行 地铁 公交 高速 机场 车站
杭州 上海 北京 广州 深圳 成都 武汉 南京 西安 重庆 天津 苏州 郑州 长沙 青岛 宁波 厦门 合肥 济南 昆明
生活 学习 工作 孩子 老人 家长 老师 学生 同事 邻居 司机 乘客 游客 商家 顾客 员工 老板 业主 物业 保安
非常 特别 真的 确实 应该 可能 需要 已经 正在 马上 立即 尽快 一定 不要 千万 务必 请勿 谨慎 小心 及时
`)

var sources = []string{"weibo", "news:xinhuanet", "forum:tieba", "wechat", "douyin", "sms", "news:people", "forum:zhihu"}

// Generator produces posts deterministically from a seed.
type Generator struct {
	rng  *rand.Rand
	zipf *rand.Zipf
	// Start and Span place published_at uniformly in [Start, Start+Span).
	Start time.Time
	Span  time.Duration
	n     int
}

// New returns a generator whose posts are published in [start, start+span).
func New(seed uint64, start time.Time, span time.Duration) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Generator{rng: rng, zipf: rand.NewZipf(rng, 1.1, 4, uint64(len(vocabulary)-1)), Start: start, Span: span}
}

// Text returns about runes characters of text: sentences of 6–14 words
// ending in Chinese punctuation.
func (g *Generator) Text(runes int) string {
	var b strings.Builder
	for n := 0; n < runes; {
		words := 6 + g.rng.IntN(9)
		for i := 0; i < words && n < runes; i++ {
			w := vocabulary[g.zipf.Uint64()]
			b.WriteString(w)
			n += utf8.RuneCountInString(w)
			if i > 0 && i%4 == 0 && i < words-1 {
				b.WriteString("，")
				n++
			}
		}
		b.WriteString([]string{"。", "！", "？", "。"}[g.rng.IntN(4)])
		n++
	}
	return b.String()
}

// Post returns the next post, with about runes characters of text and a
// unique id.
func (g *Generator) Post(runes int) ingest.Post {
	g.n++
	src := sources[g.rng.IntN(len(sources))]
	kind := ingest.KindPost
	if src == "sms" {
		kind = ingest.KindSMS
	}
	var ts time.Time
	if g.Span > 0 {
		ts = g.Start.Add(time.Duration(g.rng.Int64N(int64(g.Span))))
	} else {
		ts = g.Start
	}
	return ingest.Post{
		ID:          fmt.Sprintf("synth-%d-%d", g.rng.Uint32(), g.n),
		Source:      src,
		Kind:        kind,
		Title:       g.Text(12),
		Text:        g.Text(runes),
		Author:      fmt.Sprintf("user%d", g.rng.IntN(5000)),
		PublishedAt: ts.UTC().Truncate(time.Second),
	}
}
