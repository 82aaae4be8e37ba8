package web

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	at := func(y, mo, d, h, mi, s int) time.Time { return time.Date(y, time.Month(mo), d, h, mi, s, 0, loc) }
	tests := []struct {
		in, layout string
		want       time.Time
		ok         bool
	}{
		{"2026-03-01 09:30:15", "", at(2026, 3, 1, 9, 30, 15), true},
		{"2026-03-01 09:30", "", at(2026, 3, 1, 9, 30, 0), true},
		{"2026-03-01", "", at(2026, 3, 1, 0, 0, 0), true},
		{"2026年03月01日 09:30", "", at(2026, 3, 1, 9, 30, 0), true},
		{"2026年3月1日", "", at(2026, 3, 1, 0, 0, 0), true},
		{"2026/3/1 9:05", "", at(2026, 3, 1, 9, 5, 0), true},
		{"发布时间：2026-03-01 09:30 来源：市政府网站", "", at(2026, 3, 1, 9, 30, 0), true},
		{"2026-03-01T01:30:00Z", "", time.Date(2026, 3, 1, 1, 30, 0, 0, time.UTC), true},
		{"2026-03-01T09:30:00+08:00", "", at(2026, 3, 1, 9, 30, 0), true},
		{"01/03/2026 09:30", "02/01/2006 15:04", at(2026, 3, 1, 9, 30, 0), true},
		{"2026-03-01 09:30 +0000", "2006-01-02 15:04 -0700", time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC), true},
		{"昨天", "", time.Time{}, false},
		{"", "", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in, tt.layout, loc)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q, %q) = %s, %v; want %s, %v", tt.in, tt.layout, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-01 09:30", "2026年3月1日", "发布时间：2026/3/1 9:05", "2026-03-01T09:30:00+08:00", "9999年99月99日 99:99"} {
		f.Add(s, "")
	}
	f.Add("01/03/2026", "02/01/2006")
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s, layout string) {
		if got, ok := parseTime(s, layout, loc); !ok && !got.IsZero() {
			t.Fatalf("parseTime(%q, %q) = %s, %v", s, layout, got, ok)
		}
	})
}
