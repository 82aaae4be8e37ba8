package places

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
)

//go:generate go run ./internal/gen -out divisions.tsv

//go:embed divisions.tsv
var divisionsTSV string

// ErrData reports a malformed division table.
var ErrData = errors.New("places: malformed division table")

// Division levels, from the shape of the code: xx0000 is a province,
// xxxx00 a prefecture, anything else a county.
const (
	levelProvince = 1
	levelCity     = 2
	levelCounty   = 3
)

// division is one row of the table with its ancestors resolved.
type division struct {
	code  string
	name  string
	level uint8
	muni  bool  // a province-level municipality, or a county of one
	prov  int32 // index of the province; itself for a province
	city  int32 // index of the prefecture; -1 if none (provinces, counties of municipalities, 省直辖 counties)
}

// municipalities are the four 直辖市: their counties hang from the province.
var municipalities = map[string]bool{"11": true, "12": true, "31": true, "50": true}

// parseDivisions reads `code<TAB>name` lines sorted by code; lines starting
// with # are comments. A county's prefecture is code[:4]+"00" when that row
// exists, so 省直辖县级 counties (429004 仙桃市) hang from their province.
func parseDivisions(tsv string) ([]division, error) {
	var divs []division
	byCode := map[string]int32{}
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok || len(code) != 6 || name == "" || strings.Trim(code, "0123456789") != "" {
			return nil, fmt.Errorf("%w: line %d: %q", ErrData, n+1, line)
		}
		if _, dup := byCode[code]; dup {
			return nil, fmt.Errorf("%w: line %d: duplicate code %s", ErrData, n+1, code)
		}
		d := division{code: code, name: name, city: -1, muni: municipalities[code[:2]]}
		idx := int32(len(divs))
		switch {
		case code[2:] == "0000":
			d.level, d.prov = levelProvince, idx
		default:
			p, ok := byCode[code[:2]+"0000"]
			if !ok {
				return nil, fmt.Errorf("%w: line %d: no province for %s", ErrData, n+1, code)
			}
			d.prov, d.level = p, levelCity
			if code[4:] != "00" {
				d.level = levelCounty
				if c, ok := byCode[code[:4]+"00"]; ok {
					d.city = c
				}
			}
		}
		byCode[code] = idx
		divs = append(divs, d)
	}
	if len(divs) == 0 {
		return nil, fmt.Errorf("%w: no rows", ErrData)
	}
	return divs, nil
}

// isAncestor reports whether a is a strict ancestor of b.
func isAncestor(divs []division, a, b int32) bool {
	return a != b && (divs[b].prov == a || divs[b].city == a)
}

// cityOf is the prefecture of d for grouping, counting a municipality as its
// own city; -1 if none.
func cityOf(divs []division, d int32) int32 {
	switch {
	case divs[d].level == levelCity:
		return d
	case divs[d].city >= 0:
		return divs[d].city
	case divs[d].muni:
		return divs[d].prov
	}
	return -1
}
