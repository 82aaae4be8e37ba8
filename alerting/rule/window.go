package rule

import (
	"fmt"
	"strings"
	"time"
)

// window is a weekly time range such as "weekdays 09:00-18:00". A range
// whose end is not after its start runs past midnight into the next day.
type window struct {
	days       [7]bool // indexed by time.Weekday
	start, end int     // minutes since midnight, end up to 1440
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

const windowSyntax = `like "weekdays 09:00-18:00", "sat,sun 10:00-12:00", "mon-fri 22:00-06:00" or "daily 00:00-06:00"`

// parseWindow reads "[DAYS ]HH:MM-HH:MM". DAYS is daily, weekdays,
// weekends, or a comma list of days and day ranges (mon-fri,sun).
func parseWindow(s string) (window, error) {
	var w window
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) == 0 || len(fields) > 2 {
		return w, fmt.Errorf("%q is not a time window %s", s, windowSyntax)
	}
	days := "daily"
	if len(fields) == 2 {
		days = fields[0]
	}
	if err := w.parseDays(days); err != nil {
		return w, fmt.Errorf("%q: %v; write windows %s", s, err, windowSyntax)
	}
	from, to, ok := strings.Cut(fields[len(fields)-1], "-")
	var err1, err2 error
	w.start, err1 = parseClock(from)
	w.end, err2 = parseClock(to)
	if !ok || err1 != nil || err2 != nil || w.start == 1440 {
		return w, fmt.Errorf("%q is not a time window %s", s, windowSyntax)
	}
	if w.start == w.end {
		return w, fmt.Errorf("%q is empty (start equals end)", s)
	}
	return w, nil
}

func (w *window) parseDays(s string) error {
	switch s {
	case "daily", "everyday":
		w.days = [7]bool{true, true, true, true, true, true, true}
		return nil
	case "weekdays":
		s = "mon-fri"
	case "weekends":
		s = "sat,sun"
	}
	for part := range strings.SplitSeq(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, ok1 := dayNames[a]
		to, ok2 := from, true
		if isRange {
			to, ok2 = dayNames[b]
		}
		if !ok1 || !ok2 {
			return fmt.Errorf("%q is not a day (mon…sun, daily, weekdays, weekends)", part)
		}
		for d := from; ; d = (d + 1) % 7 {
			w.days[d] = true
			if d == to {
				break
			}
		}
	}
	return nil
}

// parseClock reads HH:MM (00:00…24:00) as minutes since midnight.
func parseClock(s string) (int, error) {
	digit := func(i int) int {
		if s[i] < '0' || s[i] > '9' {
			return 100
		}
		return int(s[i] - '0')
	}
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return h*60 + m, nil
}

// contains reports whether t (already in the rule's zone) falls in w.
func (w window) contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	d := t.Weekday()
	if w.start < w.end {
		return w.days[d] && m >= w.start && m < w.end
	}
	return (w.days[d] && m >= w.start) || (w.days[(d+6)%7] && m < w.end)
}
