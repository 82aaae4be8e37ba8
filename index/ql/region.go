package ql

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/places"
)

// Index fields that hold the places a document mentions (full names, as
// places.Location has them).
const (
	fieldProvince = "province"
	fieldCity     = "city"
	fieldDistrict = "district"
)

// provinces are the short names of the provincial-level divisions. A name
// the gazetteer does not place on its own (西湖区, shared by 杭州 and 南昌; 义乌,
// which needs its 市 in running text) is looked up after each of them to
// find the places it may mean.
var provinces = strings.Fields(`北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东
	河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门`)

// regionQuery matches documents that mention the place n names.
func regionQuery(n *Region, find func(string) []places.Location) (query.Query, *SyntaxError) {
	l, err := resolvePlace(n, find)
	if err != nil {
		return nil, err
	}
	switch {
	case l.District != "" && l.City != "":
		return query.NewConjunctionQuery([]query.Query{term(fieldDistrict, l.District), term(fieldCity, l.City)}), nil
	case l.District != "":
		return query.NewConjunctionQuery([]query.Query{term(fieldDistrict, l.District), term(fieldProvince, l.Province)}), nil
	case l.City != "":
		return term(fieldCity, l.City), nil
	}
	return term(fieldProvince, l.Province), nil
}

// resolvePlace finds the one place n names. The name is normalised as
// document text is (simplified, half-width) and its spaces dropped, so
// "浙江 杭州" is the chain 浙江杭州.
func resolvePlace(n *Region, find func(string) []places.Location) (places.Location, *SyntaxError) {
	text := strings.Join(strings.Fields(analysis.Normalize(n.Name).Text), "")
	locs := find(text)
	switch {
	case len(locs) > 1:
		names := make([]string, len(locs))
		for i, l := range locs {
			names[i] = l.String()
		}
		return places.Location{}, errAt(n.Pos, "region %q names %d places (%s): write one region: per place and join them with OR",
			n.Name, len(locs), strings.Join(names, ", "))
	case len(locs) == 1:
		l := locs[0]
		if rest := text[:max(0, min(l.Start, len(text)))] + text[min(max(l.End, 0), len(text)):]; hasContent(rest) {
			return places.Location{}, errAt(n.Pos, "unknown region %q: %q is not part of a place name", n.Name, rest)
		}
		return l, nil
	}
	return probe(n, text, find)
}

// probe looks text up after each province: one place found below the
// province level is the answer (义乌 → 浙江省金华市义乌市); several make the
// name ambiguous; none, unknown.
func probe(n *Region, text string, find func(string) []places.Location) (places.Location, *SyntaxError) {
	var cands []places.Location
	below := 0
	for _, p := range provinces {
		locs := find(p + text)
		if len(locs) != 1 || locs[0].Start != 0 || locs[0].End != len(p)+len(text) ||
			!strings.HasPrefix(locs[0].Province, p) || hasCode(cands, locs[0].Code) {
			continue
		}
		cands = append(cands, locs[0])
		if locs[0].City != "" || locs[0].District != "" {
			below++
		}
	}
	switch {
	case below == 1 && len(cands) == 1:
		return cands[0], nil
	case below > 0:
		names := make([]string, len(cands))
		example := ""
		for i, l := range cands {
			names[i] = l.String()
			if l.City == "" && l.District == "" {
				names[i] = fmt.Sprintf("one of several in %s", l.Province)
			} else if example == "" {
				example = l.String()
			}
		}
		return places.Location{}, errAt(n.Pos, "ambiguous region %q: it may be %s; name its city or province too, e.g. region:%s",
			n.Name, strings.Join(names, " or "), example)
	}
	return places.Location{}, errAt(n.Pos, "unknown region %q", n.Name)
}

func hasCode(ls []places.Location, code string) bool {
	for _, l := range ls {
		if l.Code == code {
			return true
		}
	}
	return false
}

func term(field, v string) query.Query {
	q := query.NewTermQuery(v)
	q.SetField(field)
	return q
}
