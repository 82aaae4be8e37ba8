package ql

import (
	"testing"
	"time"
)

func TestTimeBounds(t *testing.T) {
	sh := shanghai()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, sh) }
	now := testNow
	for _, c := range []struct {
		q        string
		from, to time.Time
	}{
		{``, time.Time{}, time.Time{}},
		{`火灾`, time.Time{}, time.Time{}},
		{`time:[2026-11-01 TO 2026-11-07]`, day(1), day(8)},
		{`time:{2026-11-01 TO 2026-11-07}`, day(2), day(7)},
		{`time:2026-11-03`, day(3), day(4)},
		{`time:>2026-11-01`, day(2), time.Time{}},
		{`time:>=2026-11-01`, day(1), time.Time{}},
		{`time:<2026-11-07`, time.Time{}, day(7)},
		{`time:<=2026-11-07`, time.Time{}, day(8)},
		{`time:>now-24h`, now.Add(-24 * time.Hour), time.Time{}},
		{`time:>=now-7d time:<now`, now.Add(-7 * 24 * time.Hour), now},
		{`time:<=2026-11-08T08:00:00+08:00`, time.Time{}, time.Date(2026, 11, 8, 8, 0, 0, 1, sh)},
		// Intersection of the required ranges.
		{`火灾 time:>=2026-11-01 time:<2026-11-05 time:[2026-11-03 TO 2026-11-09]`, day(3), day(5)},
		{`(火灾 time:>=2026-11-02) time:<2026-11-05`, day(2), day(5)},
		{`time:>=2026-11-01 -time:>=2026-11-03`, day(1), time.Time{}},
		// Ranges under OR or NOT do not bound the query.
		{`time:2026-11-01 OR 火灾`, time.Time{}, time.Time{}},
		{`time:2026-11-01 OR time:2026-11-03`, time.Time{}, time.Time{}},
		{`-time:>2026-11-01`, time.Time{}, time.Time{}},
		{`NOT (time:2026-11-01 火灾)`, time.Time{}, time.Time{}},
		{`(time:2026-11-01 OR 火灾) time:<2026-11-05`, time.Time{}, day(5)},
		// A range Compile rejects is ignored; disjoint ranges meet nowhere.
		{`time:[2026-11-07 TO 2026-11-01] time:<2026-11-05`, time.Time{}, day(5)},
		{`time:2026-11-01 time:2026-11-03`, day(3), day(2)},
	} {
		n, err := Parse(c.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.q, err)
		}
		from, to := TimeBounds(n, Options{Now: now})
		if !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("TimeBounds(%q) = %v, %v; want %v, %v", c.q, from, to, c.from, c.to)
		}
	}
}

// TestTimeBoundsLocation checks that dates are days in Options.Location
// and that a zero Now is the clock.
func TestTimeBoundsLocation(t *testing.T) {
	n, err := Parse(`time:2026-11-01`)
	if err != nil {
		t.Fatal(err)
	}
	from, to := TimeBounds(n, Options{Location: time.UTC})
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC); !from.Equal(want) || !to.Equal(want.AddDate(0, 0, 1)) {
		t.Errorf("UTC: %v, %v", from, to)
	}
	n, err = Parse(`time:>now-1h`)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	from, _ = TimeBounds(n, Options{})
	if from.Before(before.Add(-time.Hour)) || from.After(time.Now().Add(-time.Hour)) {
		t.Errorf("now-1h with the clock: %v", from)
	}
}
