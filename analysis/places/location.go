package places

// Location is a place mentioned in a text, at the most specific level the
// text supports.
//
// For the four municipalities (北京, 天津, 上海, 重庆) City is the same as
// Province, so every location at or below a prefecture has a City to group
// by. Counties under a province directly (省直辖县级, e.g. 湖北省仙桃市,
// 河南省济源市) have an empty City.
type Location struct {
	Province string `json:"province"`           // 浙江省
	City     string `json:"city,omitempty"`     // 杭州市; 北京市 for 北京市朝阳区
	District string `json:"district,omitempty"` // 西湖区
	Code     string `json:"code"`               // GB/T 2260 code of the most specific level found, e.g. 330106
	// Mention is the text that matched; Start/End are byte offsets into the
	// text passed to Find. A chain (浙江杭州西湖区) is one mention.
	Mention string `json:"mention"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// String is the full name from the province down: 浙江省杭州市西湖区,
// 北京市朝阳区 (a municipality is not repeated as its own city).
func (l Location) String() string {
	s := l.Province
	if l.City != l.Province {
		s += l.City
	}
	return s + l.District
}

// location describes division d, without the mention.
func (g *Gazetteer) location(d int32) Location {
	dv := &g.divs[d]
	l := Location{Province: g.divs[dv.prov].name, Code: dv.code}
	switch dv.level {
	case levelCity:
		l.City = dv.name
	case levelCounty:
		l.District = dv.name
		if dv.city >= 0 {
			l.City = g.divs[dv.city].name
		}
	}
	if dv.muni {
		l.City = l.Province
	}
	return l
}
