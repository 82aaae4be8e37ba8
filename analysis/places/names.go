package places

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// needSuffix lists prefecture short forms that are common words, names or
// brands more often than places. They fire only with their suffix (中山市,
// 阿里地区) or right after their province (广东中山).
var needSuffix = set(
	"中山", // 孙中山, 中山路, 中山大学 (which is in 广州)
	"安康", // 祝您安康
	"吉安", "通化", "白山", "山南",
	"阿里",             // 阿里巴巴
	"兴安",             // 兴安岭
	"白银",             // the metal
	"来宾",             // 各位来宾
	"日照",             // sunshine
	"德州",             // Texas, 德州扑克
	"开封",             // 开封后 (once opened)
	"朝阳",             // the rising sun; 朝阳区 of 北京
	"中卫",             // a football position
	"普洱",             // the tea
	"海西",             // 海峡西岸
	"玉树", "海北", "黄南", // 玉树临风; 海北/黄南 read as directions
)

// countyShortStop lists county short forms that are ordinary words often
// written right after a province or city (湖北公安厅, 四川南部, 辽宁振兴);
// those counties need their suffix even after an ancestor.
var countyShortStop = set(
	"公安", "南部", "资源", "合作", "比如", "解放", "通道", "中方", "新兴",
	"振兴", "红旗", "东风", "前进", "友好", "友谊", "富裕", "安定", "延长",
	"复兴", "新华", "港口", "宏伟", "工农", "前锋",
)

// genericCounty lists county names that are also generic words for a part
// of a town (老城区改造, 沿江城区); like one-character names (和县, 东区)
// they fire only right after an ancestor (洛阳老城区, 攀枝花东区).
var genericCounty = set(
	"城中区", "城东区", "城西区", "城北区", "城关区", "城厢区", "新城区", "老城区",
	"市中区", "市南区", "市北区", "新市区", "港口区", "港北区", "港南区",
	"河东区", "河西区", "桥东区", "桥西区", "铁东区", "铁西区",
)

// blocked are words that contain a place name but are not places. Matching
// is leftmost-longest, so a block wins over a name that starts where it
// starts; it also keeps that span from matching anything else.
var blocked = []string{
	"大同小异", "长治久安", "四平八稳", "玉树临风", "文山会海", "哈密瓜",
	"北海道", "北海公园", "大理石", "出海口", "入海口", "三明治", "合肥料",
	"平安顺", "东西藏", "香港脚", "沿海城市", "滨海城市", "近海城市", "临海城市",
}

// noFollow lists what may not follow a short form: a road, street or shore
// named after a place is not in it (南京路 is in 上海; 黄河南岸 is not 河南).
var noFollow = []string{"路", "街", "巷", "岸", "畔", "麓", "大道", "大街", "东路", "西路", "南路", "北路", "中路"}

// ethnic are the suffixes stripped from autonomous division names to get
// their short form (延边朝鲜族自治州 → 延边, 伊犁哈萨克自治州 → 伊犁). Bare
// names without 族 are only the multi-character ones used that way.
var ethnic = func() []string {
	names := strings.Fields(`蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎
		傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌
		普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺`)
	out := []string{"各族"}
	for _, n := range names {
		out = append(out, n+"族")
		if utf8.RuneCountInString(n) > 1 {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) }) // longest first
	return out
}()

// alias is one surface form of a division.
type alias struct {
	key  string
	kind kind
}

// aliases returns the surface forms of divs[i]: its full name and the short
// forms described in the package documentation.
func aliases(divs []division, i int32, provShort map[string]bool) []alias {
	d := divs[i]
	out := []alias{{d.name, kindFull}}
	switch d.level {
	case levelProvince:
		if s := trimAny(d.name, "特别行政区", "自治区", "省", "市"); s != d.name {
			out = append(out, alias{stripEthnic(s), kindShort})
		}
	case levelCity:
		s := trimAny(d.name, "自治州", "地区", "盟", "市")
		if strings.HasSuffix(d.name, "自治州") {
			s = stripEthnic(s)
			out = append(out, alias{s + "州", kindFull}) // 恩施州, 延边州
		}
		switch {
		case s == d.name || provShort[s]: // 吉林, 海南 are the provinces
		case needSuffix[s]:
			out = append(out, alias{s, kindAfterParent})
		default:
			out = append(out, alias{s, kindShort})
		}
	default:
		out = countyAliases(d.name)
	}
	return keepLong(out)
}

// countyAliases: the full name, 长阳县 for 长阳土家族自治县, and short forms
// that fire after an ancestor (杭州西湖, 上海浦东, 湖北神农架).
func countyAliases(name string) []alias {
	full := kindFull
	base := trimAny(name, "自治县", "自治旗", "区", "县", "市", "旗")
	if base == name { // 西沙群岛, 中沙群岛的岛礁及其海域
		return []alias{{name, full}, {strings.TrimSuffix(name, "的岛礁及其海域"), full}}
	}
	if utf8.RuneCountInString(base) < 2 || genericCounty[name] {
		full = kindAfterParent
	}
	out := []alias{{name, full}}
	if strings.Contains(name, "自治") {
		base = strings.TrimSuffix(stripEthnic(base), "族") // 东乡族自治县 → 东乡
		suffix := strings.TrimPrefix(name[len(name)-len("自治县"):], "自治")
		out = append(out, alias{base + suffix, full})
	}
	if s, ok := longSuffix[name]; ok {
		base = s
	}
	if !countyShortStop[base] {
		out = append(out, alias{base, kindAfterParent})
	}
	return out
}

// longSuffix gives the short form of the counties whose suffix is longer
// than one character (浦东新区 is 浦东, not 浦东新).
var longSuffix = map[string]string{
	"浦东新区": "浦东", "滨海新区": "滨海", "沈北新区": "沈北", "神农架林区": "神农架", "六枝特区": "六枝",
}

// keepLong drops forms of fewer than two runes: single characters (沪, 京,
// 湘) are never matched.
func keepLong(as []alias) []alias {
	out := as[:0]
	for _, a := range as {
		if utf8.RuneCountInString(a.key) >= 2 {
			out = append(out, a)
		}
	}
	return out
}

func trimAny(s string, suffixes ...string) string {
	for _, x := range suffixes {
		if t, ok := strings.CutSuffix(s, x); ok && t != "" {
			return t
		}
	}
	return s
}

// stripEthnic removes trailing ethnic names while two runes or more remain
// (积石山保安族东乡族撒拉族 → 积石山; 内蒙古 stays).
func stripEthnic(s string) string {
	for {
		cut := false
		for _, e := range ethnic {
			if t, ok := strings.CutSuffix(s, e); ok && utf8.RuneCountInString(t) >= 2 {
				s, cut = t, true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
