package places

import (
	"fmt"
	"strings"
	"testing"
)

// brief renders locations as code:mention for compact expectations.
func brief(ls []Location) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Code+":"+l.Mention)
	}
	return out
}

type findCase struct {
	text string
	want []string // code:mention, in text order
}

func runFind(t *testing.T, cases []findCase) {
	t.Helper()
	g := Default()
	for _, c := range cases {
		got := g.Find(c.text)
		if fmt.Sprint(brief(got)) != fmt.Sprint(c.want) {
			t.Errorf("Find(%q)\n got %v\nwant %v", c.text, brief(got), c.want)
		}
		for _, l := range got {
			if c.text[l.Start:l.End] != l.Mention {
				t.Errorf("Find(%q): [%d:%d] is %q, Mention %q", c.text, l.Start, l.End, c.text[l.Start:l.End], l.Mention)
			}
		}
	}
}

func TestFindFullNames(t *testing.T) {
	runFind(t, []findCase{
		{"杭州市发布暴雨预警", []string{"330100:杭州市"}},
		{"余杭区今天出现大风", []string{"330110:余杭区"}},
		{"义乌市小商品城", []string{"330782:义乌市"}},
		{"内蒙古自治区额济纳旗的胡杨林", []string{"152923:内蒙古自治区额济纳旗"}},
		{"长阳土家族自治县和长阳县是一个地方", []string{"420528:长阳土家族自治县"}},
		{"延边朝鲜族自治州、锡林郭勒盟和大兴安岭地区", []string{"222400:延边朝鲜族自治州", "152500:锡林郭勒盟", "232700:大兴安岭地区"}},
		{"仙桃市的网友反映", []string{"429004:仙桃市"}},
		{"临平区和钱塘区", []string{"330113:临平区", "330114:钱塘区"}},
		{"香港特别行政区政府", []string{"810000:香港特别行政区"}},
	})
}

func TestFindChains(t *testing.T) {
	runFind(t, []findCase{
		{"浙江省杭州市西湖区", []string{"330106:浙江省杭州市西湖区"}},
		{"浙江杭州西湖区", []string{"330106:浙江杭州西湖区"}},
		{"家住杭州西湖，", []string{"330106:杭州西湖"}},
		{"广东佛山顺德的一家工厂", []string{"440606:广东佛山顺德"}},
		{"江苏南京", []string{"320100:江苏南京"}},
		{"四川省成都市", []string{"510100:四川省成都市"}},
		{"浙江义乌", []string{"330782:浙江义乌"}},
		{"济南市中区", []string{"370103:济南市中区"}},
		{"青岛市南区", []string{"370202:青岛市南区"}},
		{"马鞍山和县", []string{"340523:马鞍山和县"}},
		{"辽宁朝阳", []string{"211300:辽宁朝阳"}},
		{"广东中山", []string{"442000:广东中山"}},
		{"湖南长沙", []string{"430100:湖南长沙"}},
	})
}

func TestFindShortForms(t *testing.T) {
	runFind(t, []findCase{
		{"杭州今天下雨", []string{"330100:杭州"}},
		{"浙江发布通知", []string{"330000:浙江"}},
		{"内蒙古、广西、新疆、宁夏、西藏五个自治区", []string{"150000:内蒙古", "450000:广西", "650000:新疆", "640000:宁夏", "540000:西藏"}},
		{"延边和黔东南", []string{"222400:延边", "522600:黔东南"}},
		{"恩施州发布通告", []string{"422800:恩施州"}},
		{"香港、澳门和台湾", []string{"810000:香港", "820000:澳门", "710000:台湾"}},
		{"中山市", []string{"442000:中山市"}},
		{"阿里地区", []string{"542500:阿里地区"}},
		{"吉林长春", []string{"220100:吉林长春"}},
		{"吉林市", []string{"220200:吉林市"}},
	})
}

func TestFindMunicipalities(t *testing.T) {
	runFind(t, []findCase{
		{"北京市朝阳区", []string{"110105:北京市朝阳区"}},
		{"北京朝阳", []string{"110105:北京朝阳"}},
		{"上海浦东新区", []string{"310115:上海浦东新区"}},
		{"上海浦东", []string{"310115:上海浦东"}},
		{"重庆市万州区", []string{"500101:重庆市万州区"}},
		{"天津滨海新区", []string{"120116:天津滨海新区"}},
		{"北京通州", []string{"110112:北京通州"}},
	})
	l := Default().Find("北京市朝阳区")[0]
	want := Location{Province: "北京市", City: "北京市", District: "朝阳区", Code: "110105", Mention: "北京市朝阳区", Start: 0, End: len("北京市朝阳区")}
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
	if l.String() != "北京市朝阳区" {
		t.Errorf("String() = %q", l.String())
	}
}

func TestFindAmbiguous(t *testing.T) {
	runFind(t, []findCase{
		// No context: left out.
		{"朝阳区发生一起交通事故", nil},
		{"鼓楼区", nil},
		{"新华区的居民", nil},
		{"西湖区", nil},
		// The parent named elsewhere in the text decides.
		{"长春市民反映，朝阳区一小区停水", []string{"220104:朝阳区"}},
		{"北京的朝阳区", []string{"110105:朝阳区"}},
		{"南昌今天很热，西湖区气温最高", []string{"360103:西湖区"}},
		{"福州鼓楼区", []string{"350102:福州鼓楼区"}},
		{"南京市鼓楼区", []string{"320106:南京市鼓楼区"}},
		{"南通市通州区", []string{"320612:南通市通州区"}},
		// All readings in one province: kept at the province.
		{"江苏鼓楼区", []string{"320000:江苏鼓楼区"}},
		{"向阳区", []string{"230000:向阳区"}},
		// Both parents named: no single winner, no common ancestor.
		{"北京和长春都有朝阳区", []string{"110000:北京", "220100:长春"}},
	})
}

func TestFindNotPlaces(t *testing.T) {
	var cases []findCase
	for _, s := range []string{
		"这两款手机大同小异，价格也差不多。",
		"祝您新年快乐，身体安康！",
		"今天日照充足，适合晾晒衣服。",
		"各位来宾，欢迎参加今天的发布会。",
		"这个包装开封后请尽快食用。",
		"他早上迎着朝阳去跑步。",
		"阿里巴巴发布了新一季财报。",
		"我午饭吃了一个三明治和一杯咖啡。",
		"国家要长治久安，必须依法治国。",
		"他说话做事一向四平八稳。",
		"这个小伙子玉树临风，很受欢迎。",
		"夏天最爱吃哈密瓜和西瓜。",
		"他们去北海道滑雪了。",
		"客厅的地面铺了大理石。",
		"国际白银价格今天大幅下跌。",
		"这条河的入海口有很多候鸟。",
		"他把东西藏在床底下。",
		"沿海城市的房价普遍较高。",
		"孙中山先生是伟大的革命先行者。",
		"他在中山大学读书。",
		"这家店在南京路步行街上。",
		"黄河南岸的湿地公园开放了。",
		"他是德州扑克高手。",
		"这首歌讲的是江南的烟雨。",
		"老城区改造正在进行，城区交通拥堵。",
		"祝你一路平安顺利到家。",
		"这种复合肥料效果很好。",
		"公司的新兴产业发展迅速。",
		"他们在东区和西区各开了一家店。",
		"我和县城里的朋友吃饭。",
		"用户普遍反映中卫表现出色。",
		"普洱茶的价格一路走高。",
		"长江西岸的风景很美。",
		"义乌和昆山的小商品很有名。",
	} {
		cases = append(cases, findCase{s, nil})
	}
	runFind(t, cases)
}

func TestFindOffsets(t *testing.T) {
	text := "据 Reuters 报道，浙江杭州西湖区和 ABC 北京市朝阳区都下了雪。"
	got := Default().Find(text)
	if len(got) != 2 {
		t.Fatalf("got %v", got)
	}
	for i, m := range []string{"浙江杭州西湖区", "北京市朝阳区"} {
		if start := strings.Index(text, m); got[i].Start != start || got[i].End != start+len(m) || got[i].Mention != m {
			t.Errorf("location %d = %+v, want %q at %d", i, got[i], m, start)
		}
	}
}

func TestFindDedup(t *testing.T) {
	runFind(t, []findCase{
		{"杭州的雨，杭州的风", []string{"330100:杭州"}},
		{"浙江的杭州", []string{"330100:杭州"}},
		{"杭州西湖区，浙江省", []string{"330106:杭州西湖区"}},
		{"北京、上海、广州、深圳", []string{"110000:北京", "310000:上海", "440100:广州", "440300:深圳"}},
		{"湖北公安厅发布通报", []string{"420000:湖北"}},
		{"", nil},
		{"no Chinese at all", nil},
	})
}

func TestLocationString(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"浙江杭州西湖区", "浙江省杭州市西湖区"},
		{"北京朝阳", "北京市朝阳区"},
		{"仙桃市", "湖北省仙桃市"},
		{"延边", "吉林省延边朝鲜族自治州"},
		{"西藏", "西藏自治区"},
	} {
		ls := Default().Find(c.text)
		if len(ls) != 1 || ls[0].String() != c.want {
			t.Errorf("Find(%q) = %v, want %s", c.text, ls, c.want)
		}
	}
}

func TestFindConcurrent(t *testing.T) {
	g := Default()
	done := make(chan bool)
	for range 4 {
		go func() {
			for range 200 {
				if ls := g.Find("浙江杭州西湖区和北京市朝阳区"); len(ls) != 2 {
					t.Errorf("got %v", ls)
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"浙江杭州西湖区", "北京市朝阳区和长春", "大同小异", "济南市中区", "a\xff北京", posts["places"]} {
		f.Add(s)
	}
	g := Default()
	f.Fuzz(func(t *testing.T, text string) {
		prev := -1
		for _, l := range g.Find(text) {
			if l.Start < 0 || l.End > len(text) || l.Start >= l.End || text[l.Start:l.End] != l.Mention {
				t.Fatalf("bad span %+v in %q", l, text)
			}
			if len(l.Code) != 6 || l.Province == "" {
				t.Fatalf("bad location %+v", l)
			}
			if l.Start <= prev {
				t.Fatalf("not in text order: %+v", l)
			}
			prev = l.Start
		}
	})
}
