package report

import (
	"context"
	"testing"
	"time"
)

func TestReportLastPeriod(t *testing.T) {
	for _, tc := range []struct {
		kind     Kind
		now      time.Time
		from, to time.Time
	}{
		{Daily, genTime, time.Date(2026, 11, 8, 0, 0, 0, 0, cst), time.Date(2026, 11, 9, 0, 0, 0, 0, cst)},
		{Weekly, genTime, weekStart, weekStart.AddDate(0, 0, 7)},
		{Weekly, time.Date(2026, 11, 15, 23, 0, 0, 0, cst), weekStart, weekStart.AddDate(0, 0, 7)},
		{Weekly, time.Date(2026, 11, 8, 16, 30, 0, 0, time.UTC), weekStart, weekStart.AddDate(0, 0, 7)},  // Monday 00:30 in Shanghai
		{Weekly, time.Date(2026, 11, 8, 15, 30, 0, 0, time.UTC), weekStart.AddDate(0, 0, -7), weekStart}, // Sunday 23:30 in Shanghai
	} {
		p, err := LastPeriod(tc.kind, tc.now, cst)
		if err != nil || !p.From.Equal(tc.from) || !p.To.Equal(tc.to) {
			t.Errorf("LastPeriod(%s, %s) = %s–%s, %v; want %s–%s", tc.kind, tc.now, p.From, p.To, err, tc.from, tc.to)
		}
	}
}

func TestReportParsePeriod(t *testing.T) {
	p, err := ParsePeriod("custom", "2026-11-01", "2026-11-07", genTime, cst)
	if err != nil || !p.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, cst)) || !p.To.Equal(time.Date(2026, 11, 8, 0, 0, 0, 0, cst)) {
		t.Errorf("custom dates: %+v %v", p, err)
	}
	if prev := p.Previous(); !prev.From.Equal(time.Date(2026, 10, 25, 0, 0, 0, 0, cst)) || !prev.To.Equal(p.From) {
		t.Errorf("previous of custom: %+v", prev)
	}
	for _, bad := range [][3]string{{"monthly", "", ""}, {"custom", "", "2026-11-07"}, {"custom", "2026-11-07", "2026-11-01"},
		{"daily", "2026-11-01", ""}, {"custom", "yesterday", "2026-11-02"}, {"custom", "2024-01-01", "2026-01-01"}} {
		if _, err := ParsePeriod(bad[0], bad[1], bad[2], genTime, cst); err == nil {
			t.Errorf("ParsePeriod%v: no error", bad)
		}
	}
}

func TestReportQuantile(t *testing.T) {
	m := time.Minute
	ds := []time.Duration{60 * m, 5 * m, 15 * m, 10 * m}
	if q := Quantile(ds, 0.5); q != 12*m+30*time.Second {
		t.Errorf("median = %v", q)
	}
	if q := Quantile(ds, 0.9); q != 46*m+30*time.Second {
		t.Errorf("p90 = %v", q)
	}
	if q := Quantile([]time.Duration{7 * m}, 0.9); q != 7*m {
		t.Errorf("p90 of one = %v", q)
	}
}

// weeklyReport generates the fixture's weekly report.
func weeklyReport(t *testing.T) Report {
	t.Helper()
	src := fixture(t)
	p, err := LastPeriod(Weekly, genTime, cst)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Generate(context.Background(), src, p, Options{Location: cst, Now: func() time.Time { return genTime },
		ConsoleURL: "http://console.test", ID: "weekly-20261102"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
