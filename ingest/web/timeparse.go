package web

import (
	"regexp"
	"strings"
	"time"
)

// shanghai is the zone of times that name none. China has had no DST
// since 1991, so a fixed zone stands in when tzdata is missing.
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// zoned layouts carry their own zone.
var zoned = []string{time.RFC3339Nano, time.RFC3339, time.RFC1123Z, time.RFC1123, "2006-01-02T15:04:05Z0700"}

// local layouts are read in loc after normalising the date to 2006-1-2.
var local = []string{"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2"}

// dateTime finds a date (2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日)
// with an optional time of day inside surrounding text.
var dateTime = regexp.MustCompile(`\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*T?\s*\d{1,2}:\d{2}(?::\d{2})?)?`)

var dashSpace = regexp.MustCompile(`\s*-\s*`)

// parseTime reads the time of an article: with layout when set (in loc
// unless the layout has a zone), else with the zoned layouts, else a date
// (and time) found in the text, in loc. ok is false when nothing parses.
func parseTime(s, layout string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if layout != "" {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	for _, l := range zoned {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	m := dateTime.FindString(s)
	if m == "" {
		return time.Time{}, false
	}
	m = strings.NewReplacer("年", "-", "月", "-", "日", " ", "/", "-", ".", "-", "T", " ").Replace(m)
	m = strings.Join(strings.Fields(dashSpace.ReplaceAllString(m, "-")), " ")
	for _, l := range local {
		if t, err := time.ParseInLocation(l, m, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
