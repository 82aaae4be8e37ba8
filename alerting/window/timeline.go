package window

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/internal/testclock"
)

// Timeline is a test scenario in a small text language, for this
// package's tests and those of the packages around it (rule packs,
// grouping). One statement a line; # starts a comment; times are
// offsets from the start like 0s, 90s, 10m or 1d:
//
//	at 0s    post source=weibo cluster=c1
//	at 30s   post ×19 source=weibo cluster=c1 every 1s
//	at 2m    post id=d7 rule=fraud-wave source=douyin author=a1
//	tick 1s                       # Tick interval (default 1s)
//	end 20m                       # play until (default: the last time mentioned + 1s)
//	expect fire fraud-wave key=c1 between 40s 50s
//	expect fire fraud-wave between 0s 5m times=1
//	expect no fire until 5m       # no rule, any key
//	expect no fire fraud-wave key=c2 between 1m 2m
//
// A post goes to every rule given to Run unless rule= names some (comma
// separated). Its other name=value pairs are Event.Fields; cluster is
// short for cluster_id, and values containing | are multi-valued
// (locations=杭州|宁波). Doc ids default to d1, d2, ….
type Timeline struct {
	Posts     []TimedPost
	Expects   []Expect
	TickEvery time.Duration
	End       time.Duration
}

// TimedPost is one post of a Timeline.
type TimedPost struct {
	At    time.Duration
	Rules []string // empty: every rule
	Event Event
	Line  int
}

// Expect is one expectation of a Timeline: firings of Rule ("" any) with
// Key (when KeySet) between From and To inclusive. No means none; else
// Times, when > 0, is the exact number and at least one otherwise.
type Expect struct {
	No       bool
	Rule     string
	Key      string
	KeySet   bool
	From, To time.Duration
	Times    int
	Line     int
}

// Fired is a Firing and when, from the timeline's start, it happened.
type Fired struct {
	At time.Duration
	Firing
}

var fieldAliases = map[string]string{"cluster": "cluster_id"}

// ParseTimeline reads the timeline language; errors name the line.
func ParseTimeline(text string) (*Timeline, error) {
	tl := &Timeline{TickEvery: time.Second}
	var errs []error
	docs := 0
	for i, line := range strings.Split(text, "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if err := tl.statement(words, i+1, &docs); err != nil {
			errs = append(errs, fmt.Errorf("timeline line %d: %w", i+1, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return tl, nil
}

func (tl *Timeline) statement(w []string, line int, docs *int) error {
	switch w[0] {
	case "at":
		return tl.post(w[1:], line, docs)
	case "expect":
		return tl.expect(w[1:], line)
	case "tick", "end":
		if len(w) != 2 {
			return fmt.Errorf("%s takes one duration", w[0])
		}
		d, err := offset(w[1])
		if err == nil && w[0] == "tick" && d == 0 {
			err = errors.New("tick must be positive")
		}
		if w[0] == "tick" {
			tl.TickEvery = d
		} else {
			tl.End = d
		}
		return err
	}
	return fmt.Errorf("%q is not at, expect, tick or end", w[0])
}

func offset(s string) (time.Duration, error) {
	d, err := rule.ParseDuration(s)
	return time.Duration(d), err
}

// post reads "T post [×N] [name=value…] [every D]".
func (tl *Timeline) post(w []string, line int, docs *int) error {
	if len(w) < 2 || w[1] != "post" {
		return errors.New(`want "at T post [×N] [name=value…] [every D]"`)
	}
	at, err := offset(w[0])
	if err != nil {
		return err
	}
	count, every := 1, time.Duration(0)
	base := TimedPost{At: at, Line: line, Event: Event{Fields: map[string]string{}}}
	for i := 2; i < len(w); i++ {
		word := w[i]
		switch {
		case strings.HasPrefix(word, "×") || (strings.HasPrefix(word, "x") && len(word) > 1 && word[1] >= '0' && word[1] <= '9'):
			if count, err = strconv.Atoi(strings.TrimLeft(word, "×x")); err != nil || count < 1 {
				return fmt.Errorf("%q is not a count like ×19", word)
			}
		case word == "every" && i+1 < len(w):
			i++
			if every, err = offset(w[i]); err != nil {
				return err
			}
		default:
			name, val, ok := strings.Cut(word, "=")
			if !ok || name == "" {
				return fmt.Errorf("%q is not name=value", word)
			}
			switch name {
			case "rule":
				base.Rules = strings.Split(val, ",")
			case "id":
				base.Event.DocID = val
			default:
				if a, ok := fieldAliases[name]; ok {
					name = a
				}
				base.Event.Fields[name] = JoinValues(strings.Split(val, "|")...)
			}
		}
	}
	for k := range count {
		p := base
		p.At = at + time.Duration(k)*every
		*docs++
		if p.Event.DocID == "" {
			p.Event.DocID = "d" + strconv.Itoa(*docs)
		} else if count > 1 {
			p.Event.DocID += "-" + strconv.Itoa(k+1)
		}
		tl.Posts = append(tl.Posts, p)
	}
	return nil
}

// expect reads "[no] fire [RULE] [key=K] (between T1 T2 | until T) [times=N]".
func (tl *Timeline) expect(w []string, line int) error {
	x := Expect{Line: line, To: -1}
	if len(w) > 0 && w[0] == "no" {
		x.No, w = true, w[1:]
	}
	if len(w) == 0 || w[0] != "fire" {
		return errors.New(`want "expect [no] fire [RULE] [key=K] (between T1 T2 | until T) [times=N]"`)
	}
	var err error
	for i := 1; i < len(w); i++ {
		switch word := w[i]; {
		case word == "between" && i+2 < len(w):
			if x.From, err = offset(w[i+1]); err == nil {
				x.To, err = offset(w[i+2])
			}
			i += 2
		case word == "until" && i+1 < len(w):
			x.To, err = offset(w[i+1])
			i++
		case strings.HasPrefix(word, "key="):
			x.Key, x.KeySet = strings.TrimPrefix(word, "key="), true
		case strings.HasPrefix(word, "times="):
			x.Times, err = strconv.Atoi(strings.TrimPrefix(word, "times="))
		case i == 1 && !strings.Contains(word, "="):
			x.Rule = word
		default:
			return fmt.Errorf("unexpected %q", word)
		}
		if err != nil {
			return err
		}
	}
	if x.To < 0 {
		return errors.New("expect needs between T1 T2 or until T")
	}
	if x.To < x.From {
		return fmt.Errorf("between %s %s ends before it starts", x.From, x.To)
	}
	tl.Expects = append(tl.Expects, x)
	return nil
}

// end is when Run stops: End, or 1s after the last post or expectation.
func (tl *Timeline) end() time.Duration {
	if tl.End > 0 {
		return tl.End
	}
	var last time.Duration
	for _, p := range tl.Posts {
		last = max(last, p.At)
	}
	for _, x := range tl.Expects {
		last = max(last, x.To)
	}
	return last + time.Second
}

// Run plays tl against ev, whose clock must be clock: it sets clock to
// the start (clock's time when Run is called) plus each post's offset and
// observes the post for its rules, and calls Tick every TickEvery (after
// the posts of the same instant) until the end. It returns every firing
// with its offset, or the first error.
func (tl *Timeline) Run(ctx context.Context, ev *Evaluator, clock *testclock.Clock, rules []rule.Rule) ([]Fired, error) {
	start := clock.Now()
	posts := slices.Clone(tl.Posts)
	slices.SortStableFunc(posts, func(a, b TimedPost) int { return int(a.At - b.At) })
	var out []Fired
	record := func(at time.Duration, fs []Firing) {
		for _, f := range fs {
			out = append(out, Fired{At: at, Firing: f})
		}
	}
	end := tl.end()
	for tick := time.Duration(0); tick <= end; tick += tl.TickEvery {
		for len(posts) > 0 && posts[0].At <= tick {
			p := posts[0]
			posts = posts[1:]
			clock.Set(start.Add(p.At))
			for _, r := range rules {
				if len(p.Rules) > 0 && !slices.Contains(p.Rules, r.ID) {
					continue
				}
				e := p.Event
				e.RuleID, e.At = r.ID, start.Add(p.At)
				fs, err := ev.Observe(ctx, r, e)
				if err != nil {
					return out, fmt.Errorf("timeline line %d at %s: %w", p.Line, p.At, err)
				}
				record(p.At, fs)
			}
		}
		clock.Set(start.Add(tick))
		fs, err := ev.Tick(ctx, rules)
		if err != nil {
			return out, fmt.Errorf("timeline tick at %s: %w", tick, err)
		}
		record(tick, fs)
	}
	return out, nil
}

// Check compares firings with the expectations and returns one error
// per unmet expectation (joined), listing what did fire.
func (tl *Timeline) Check(fired []Fired) error {
	var errs []error
	for _, x := range tl.Expects {
		n := 0
		for _, f := range fired {
			if f.At >= x.From && f.At <= x.To && (x.Rule == "" || f.RuleID == x.Rule) && (!x.KeySet || f.Key == x.Key) {
				n++
			}
		}
		switch {
		case x.No && n > 0:
			errs = append(errs, fmt.Errorf("line %d: want no firing of %s between %s and %s, got %d", x.Line, x.what(), x.From, x.To, n))
		case !x.No && x.Times > 0 && n != x.Times:
			errs = append(errs, fmt.Errorf("line %d: want %d firings of %s between %s and %s, got %d", x.Line, x.Times, x.what(), x.From, x.To, n))
		case !x.No && n == 0:
			errs = append(errs, fmt.Errorf("line %d: want a firing of %s between %s and %s, got none", x.Line, x.what(), x.From, x.To))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("fired:")
	for _, f := range fired {
		fmt.Fprintf(&b, "\n  %s %s key=%q: %s", f.At, f.RuleID, f.Key, f.Reason)
	}
	return errors.Join(append(errs, errors.New(b.String()))...)
}

func (x Expect) what() string {
	s := cmpOrAny(x.Rule)
	if x.KeySet {
		s += fmt.Sprintf(" key=%q", x.Key)
	}
	return s
}

func cmpOrAny(r string) string {
	if r == "" {
		return "any rule"
	}
	return r
}
