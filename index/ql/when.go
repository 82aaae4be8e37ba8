package ql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

type whenKind int

const (
	wDate    whenKind = iota // a whole day in the location
	wInstant                 // RFC 3339, with its zone
	wLocal                   // date and time of day in the location
	wNow                     // now plus rel
)

// when is a time bound as written; Compile resolves it.
type when struct {
	kind whenKind
	t    time.Time // wDate, wLocal: wall clock in UTC; wInstant: the instant
	rel  time.Duration
	text string // canonical
}

func (w when) String() string { return w.text }

const (
	minYear, maxYear = 1900, 2199
	maxRel           = 200 * 365 * 24 * time.Hour
	localLayout      = "2006-01-02T15:04:05.999999999"
)

var relUnits = map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}

// parseWhen parses a time bound at rune offset pos.
func parseWhen(v string, pos int) (when, *SyntaxError) {
	if strings.HasPrefix(v, "now") {
		return parseRel(v, pos)
	}
	w := when{kind: wDate}
	var err error
	switch {
	case !strings.Contains(v, "T"):
		w.t, err = time.Parse(time.DateOnly, v)
		w.text = w.t.Format(time.DateOnly)
	case strings.HasSuffix(v, "Z") || strings.ContainsAny(v[strings.Index(v, "T"):], "+-"):
		w.kind = wInstant
		w.t, err = time.Parse(time.RFC3339, v)
		w.text = w.t.Format(time.RFC3339Nano)
	default:
		w.kind = wLocal
		w.t, err = time.Parse(localLayout, v)
		if err != nil {
			w.t, err = time.Parse("2006-01-02T15:04", v)
		}
		w.text = w.t.Format(localLayout)
	}
	if err != nil {
		return when{}, expected(pos, "a date", "(2026-11-01, 2026-11-01T08:00:00+08:00 or now-7d), not %q", v)
	}
	if y := w.t.Year(); y < minYear || y > maxYear {
		return when{}, errAt(pos, "date %q out of range (years %d to %d)", v, minYear, maxYear)
	}
	return w, nil
}

// parseRel parses now, now-24h, now+1d: units m h d w (a day is 24 hours).
func parseRel(v string, pos int) (when, *SyntaxError) {
	w := when{kind: wNow, text: "now"}
	rest := v[len("now"):]
	if rest == "" {
		return w, nil
	}
	bad := expected(pos, "now, or now-N or now+N with a unit m, h, d or w", "(e.g. now-24h), not %q", v)
	if len(rest) < 3 || rest[0] != '-' && rest[0] != '+' {
		return when{}, bad
	}
	unit, ok := relUnits[rest[len(rest)-1]]
	digits := rest[1 : len(rest)-1]
	n, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || n < 0 || digits[0] == '+' || digits[0] == '-' {
		return when{}, bad
	}
	if n > int64(maxRel/unit) {
		return when{}, errAt(pos, "%q is more than 200 years away", v)
	}
	w.rel = time.Duration(n) * unit
	if rest[0] == '-' {
		w.rel = -w.rel
	}
	w.text = fmt.Sprintf("now%c%d%c", rest[0], n, rest[len(rest)-1])
	return w, nil
}

// resolve gives the instant a bound stands for and whether it is included.
// A date stands for the whole day: as a lower bound it starts there
// (included) or at the next day (when excluded); as an upper bound it ends
// before the next day (when included) or before the day itself.
func (w when) resolve(upper, inclusive bool, now time.Time, loc *time.Location) (time.Time, bool) {
	switch w.kind {
	case wInstant:
		return w.t, inclusive
	case wNow:
		return now.Add(w.rel), inclusive
	case wLocal:
		y, m, d := w.t.Date()
		return time.Date(y, m, d, w.t.Hour(), w.t.Minute(), w.t.Second(), w.t.Nanosecond(), loc), inclusive
	}
	y, m, d := w.t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if upper == inclusive { // <=D or >D: the next day
		day = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	return day, !upper
}
