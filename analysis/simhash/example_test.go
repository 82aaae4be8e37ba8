package simhash_test

import (
	"fmt"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/simhash"
)

// The analysis stage hashes the words of a post, leaving out what
// reposting adds around them.
func Example() {
	seg, err := analysis.Default()
	if err != nil {
		panic(err)
	}
	hash := func(text string) uint64 {
		dec := simhash.Decoration(text)
		var words []string
		for _, t := range seg.Tokens(text) {
			if !dec.Contains(t.Start) {
				words = append(words, t.Term)
			}
		}
		return simhash.Of(words)
	}
	post := "【公安提醒】近期有不法分子冒充公检法工作人员，以“涉嫌洗钱”为由要求市民将资金转入所谓“安全账户”。公安机关不会通过电话办案，请广大市民提高警惕。"
	repost := "太可怕了，扩散！//@小王:" + post + "[怒]"
	other := "接到一个自称是检察院的电话，说我的银行卡涉嫌洗钱，要我把钱转到他们指定的账户接受调查，我直接挂了，大家小心。"
	fmt.Println("repost:", simhash.Distance(hash(post), hash(repost)))
	fmt.Println("same topic, other words, more than 10 bits apart:", simhash.Distance(hash(post), hash(other)) > 10)
	fmt.Println("only decoration:", hash("[泪][蜡烛]//@某某:转发微博"))
	// Output:
	// repost: 0
	// same topic, other words, more than 10 bits apart: true
	// only decoration: 0
}
