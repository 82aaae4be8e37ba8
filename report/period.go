package report

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Kind is how a report's period is chosen.
type Kind string

// Kinds of period.
const (
	Daily  Kind = "daily"  // the previous calendar day, 00:00–24:00
	Weekly Kind = "weekly" // the previous Monday 00:00 to Monday 00:00
	Custom Kind = "custom" // From and To as given
)

// ErrInvalid wraps the errors of bad parameters (period, times, format,
// config); the HTTP API answers them 400 bad_param.
var ErrInvalid = errors.New("invalid report parameter")

// MaxCustomDays bounds a custom period (the index's histograms cover at
// most 400 days).
const MaxCustomDays = 366

// Period is the time range [From, To) a report covers.
type Period struct {
	Kind Kind      `json:"kind"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Previous is the period of equal length just before p: the previous day
// or week (calendar-aware in p's zone), or To−From earlier for custom.
func (p Period) Previous() Period {
	switch p.Kind {
	case Daily:
		return Period{Kind: p.Kind, From: p.From.AddDate(0, 0, -1), To: p.From}
	case Weekly:
		return Period{Kind: p.Kind, From: p.From.AddDate(0, 0, -7), To: p.From}
	}
	return Period{Kind: p.Kind, From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}

// Validate checks the kind and that From is before To.
func (p Period) Validate() error {
	switch p.Kind {
	case Daily, Weekly, Custom:
	default:
		return fmt.Errorf("%w: period %q: want daily, weekly or custom", ErrInvalid, p.Kind)
	}
	if p.From.IsZero() || p.To.IsZero() || !p.From.Before(p.To) {
		return fmt.Errorf("%w: period from %s to %s: from must be before to", ErrInvalid, fmtTime(p.From), fmtTime(p.To))
	}
	if p.To.Sub(p.From) > MaxCustomDays*24*time.Hour {
		return fmt.Errorf("%w: period from %s to %s is longer than %d days", ErrInvalid, fmtTime(p.From), fmtTime(p.To), MaxCustomDays)
	}
	return nil
}

// LastPeriod returns the last complete daily or weekly period before now in
// loc: yesterday for Daily, the week from the Monday before last to last
// Monday for Weekly (on a Monday, the week that ended at 00:00 today).
func LastPeriod(kind Kind, now time.Time, loc *time.Location) (Period, error) {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	switch kind {
	case Daily:
		return Period{Kind: Daily, From: today.AddDate(0, 0, -1), To: today}, nil
	case Weekly:
		back := (int(today.Weekday()) + 6) % 7 // days since Monday
		monday := today.AddDate(0, 0, -back)
		return Period{Kind: Weekly, From: monday.AddDate(0, 0, -7), To: monday}, nil
	}
	return Period{}, fmt.Errorf("%w: period %q: want daily or weekly", ErrInvalid, kind)
}

// ParsePeriod builds a period from the API's or CLI's parameters: kind
// daily or weekly (the last complete one before now; from and to must be
// empty), or custom with from and to as RFC 3339 instants or dates
// (2006-01-02, in loc). A date as to includes that whole day.
func ParsePeriod(kind, from, to string, now time.Time, loc *time.Location) (Period, error) {
	switch Kind(kind) {
	case Daily, Weekly:
		if from != "" || to != "" {
			return Period{}, fmt.Errorf("%w: from and to are only for a custom period", ErrInvalid)
		}
		return LastPeriod(Kind(kind), now, loc)
	case Custom:
		f, err := parseWhen(from, loc, false)
		if err != nil {
			return Period{}, fmt.Errorf("%w: from: %v", ErrInvalid, err)
		}
		t, err := parseWhen(to, loc, true)
		if err != nil {
			return Period{}, fmt.Errorf("%w: to: %v", ErrInvalid, err)
		}
		p := Period{Kind: Custom, From: f.In(loc), To: t.In(loc)}
		return p, p.Validate()
	}
	return Period{}, fmt.Errorf("%w: period %q: want daily, weekly or custom", ErrInvalid, kind)
}

func parseWhen(s string, loc *time.Location, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("required for a custom period (RFC 3339 or 2006-01-02)")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor 2006-01-02", s)
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// shanghai is Asia/Shanghai, or UTC+8 (the same since 1991) without zone data.
var shanghai = sync.OnceValue(func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*60*60)
})

// DefaultLocation is the zone reports use unless configured: Asia/Shanghai.
func DefaultLocation() *time.Location { return shanghai() }

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "(none)"
	}
	return t.Format(time.RFC3339)
}
