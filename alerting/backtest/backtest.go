// Package backtest replays indexed history through a rule before it goes
// live: the alerts it would have raised, per day, with examples, and
// nothing notified. It runs the same engine as the alert stage, on a
// throwaway state whose clock follows the replayed documents.
package backtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/alerting/engine"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/state/localstate"
)

// Scanner replays documents published in [from, to), oldest first.
type Scanner func(ctx context.Context, from, to time.Time, fn func(analysis.Doc) error) error

// Example is one alert the rule would have raised.
type Example struct {
	At          time.Time `json:"at"`
	Fingerprint string    `json:"fingerprint"`
	Reason      string    `json:"reason"`
	DocID       string    `json:"doc_id"`
	Text        string    `json:"text"`
}

// Result is what a rule would have done over the period.
type Result struct {
	RuleID string    `json:"rule_id"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// Docs is how many documents were replayed; Firings how many times
	// the rule's conditions held; Alerts how many alerts that would have
	// made once grouped by fingerprint within realert.
	Docs     int            `json:"docs"`
	Firings  int            `json:"firings"`
	Alerts   int            `json:"alerts"`
	PerDay   map[string]int `json:"alerts_per_day"`
	Examples []Example      `json:"examples"`
}

// MaxExamples bounds Result.Examples.
const MaxExamples = 20

// Run replays [from, to) through r. loc names the days of PerDay.
func Run(ctx context.Context, r rule.Rule, scan Scanner, from, to time.Time, loc *time.Location) (Result, error) {
	dir, err := os.MkdirTemp("", "yuqing-backtest-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	var now time.Time
	clock := func() time.Time { return now }
	st, err := localstate.Open(filepath.Join(dir, "state.db"), localstate.Options{NoSync: true, Now: clock, SweepInterval: -1})
	if err != nil {
		return Result{}, err
	}
	defer st.Close()
	r.Enabled = true
	eng, err := engine.New([]rule.Rule{r}, st, engine.Options{Clock: clock, KeyPrefix: "bt:"})
	if err != nil {
		return Result{}, err
	}
	res := Result{RuleID: r.ID, From: from, To: to, PerDay: map[string]int{}, Examples: []Example{}}
	lastSeen := map[string]time.Time{} // fingerprint → last firing
	realert := time.Duration(r.Realert)
	record := func(fs []engine.Firing, d *analysis.Doc) {
		for _, f := range fs {
			res.Firings++
			groups := map[string]string{}
			if d != nil {
				for _, g := range r.GroupBy {
					groups[g] = engine.GroupValue(r, d, g)
				}
			} else if r.QueryKey != "" {
				groups[r.QueryKey] = f.Key
			}
			fp := alert.Fingerprint(r.ID, groups)
			if last, ok := lastSeen[fp]; ok && now.Sub(last) <= realert {
				lastSeen[fp] = now
				continue
			}
			lastSeen[fp] = now
			res.Alerts++
			res.PerDay[now.In(loc).Format(time.DateOnly)]++
			if len(res.Examples) < MaxExamples {
				ex := Example{At: now, Fingerprint: fp, Reason: f.Reason}
				if d != nil {
					ex.DocID, ex.Text = d.ID, snippet(d.DisplayText(), 120)
				}
				res.Examples = append(res.Examples, ex)
			}
		}
	}
	lastTick := from
	err = scan(ctx, from, to, func(d analysis.Doc) error {
		res.Docs++
		at := d.PublishedAt
		// Time-driven types (flatline) are evaluated once a simulated
		// minute up to this doc's time.
		for t := lastTick.Add(time.Minute); !t.After(at); t = t.Add(time.Minute) {
			now = t
			fs, err := eng.Tick(ctx)
			if err != nil {
				return err
			}
			record(fs, nil)
			lastTick = t
		}
		now = at
		fs, err := eng.Observe(ctx, &d)
		if err != nil {
			return err
		}
		record(fs, &d)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("backtest of %s: %w", r.ID, err)
	}
	sort.Slice(res.Examples, func(i, j int) bool { return res.Examples[i].At.Before(res.Examples[j].At) })
	return res, nil
}

func snippet(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
