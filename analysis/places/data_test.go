package places

import (
	"errors"
	"strings"
	"testing"
)

func TestTableShape(t *testing.T) {
	g := Default()
	count := map[uint8]int{}
	codes := map[string]bool{}
	for _, d := range g.divs {
		count[d.level]++
		if codes[d.code] {
			t.Errorf("duplicate code %s", d.code)
		}
		codes[d.code] = true
		if d.name == "" || strings.ContainsAny(d.name, " \t") {
			t.Errorf("%s: bad name %q", d.code, d.name)
		}
		if g.divs[d.prov].level != levelProvince || g.divs[d.prov].code[:2] != d.code[:2] {
			t.Errorf("%s %s: province %s", d.code, d.name, g.divs[d.prov].code)
		}
	}
	// GB/T 2260: 34 provincial-level divisions (23 provinces, 5 autonomous
	// regions, 4 municipalities, 2 SARs), 333 prefecture-level and about
	// 2,840 county-level divisions.
	if count[levelProvince] != 34 {
		t.Errorf("provinces = %d, want 34", count[levelProvince])
	}
	if n := count[levelCity]; n < 330 || n > 336 {
		t.Errorf("prefectures = %d, want about 333", n)
	}
	if n := count[levelCounty]; n < 2800 || n > 2900 {
		t.Errorf("counties = %d, want about 2,840", n)
	}
	t.Logf("provinces %d, prefectures %d, counties %d", count[levelProvince], count[levelCity], count[levelCounty])
}

func TestTableRows(t *testing.T) {
	g := Default()
	byCode := map[string]division{}
	for _, d := range g.divs {
		byCode[d.code] = d
	}
	for code, name := range map[string]string{
		"110000": "北京市", "150000": "内蒙古自治区", "450000": "广西壮族自治区", "810000": "香港特别行政区",
		"330100": "杭州市", "222400": "延边朝鲜族自治州", "152500": "锡林郭勒盟", "232700": "大兴安岭地区",
		"330106": "西湖区", "110105": "朝阳区", "220104": "朝阳区", "429004": "仙桃市", "310115": "浦东新区",
		"330113": "临平区", "330114": "钱塘区", // 2021 changes, from the NBS 2023 list
	} {
		if got := byCode[code].name; got != name {
			t.Errorf("%s = %q, want %q", code, got, name)
		}
	}
	for _, gone := range []string{"330103", "330104", "429000", "419000"} { // 下城区, 江干区, placeholders
		if d, ok := byCode[gone]; ok {
			t.Errorf("%s %s should not be in the table", gone, d.name)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tsv := range []string{
		"",
		"# only a comment\n",
		"110000 北京市\n",
		"110000\t北京市\n110000\t北京市\n",
		"110101\t东城区\n",
		"11000x\t北京市\n",
	} {
		if _, err := newGazetteer(tsv); !errors.Is(err, ErrData) {
			t.Errorf("newGazetteer(%q) = %v, want ErrData", tsv, err)
		}
	}
}
