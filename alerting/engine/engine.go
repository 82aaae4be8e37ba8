// Package engine is the alerting stage's decision step: for every analysed
// Doc it finds the enabled rules whose match expression holds (one
// multi-pattern pass, package match), applies each rule's filter and
// active/mute windows, and counts the doc in the rule's time windows
// (package window) in the shared state, returning the firings with the
// explanation of the clauses that matched. Grouping firings into alerts,
// their lifecycle and delivery come after it (packages alert and notify).
package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/match"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/alerting/window"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/state"
)

// Firing is a window.Firing with the rule and the evidence of the doc that
// caused it.
type Firing struct {
	window.Firing
	Rule        rule.Rule
	Explanation []match.Hit
}

// Engine evaluates docs against a rule set. It is safe for concurrent use;
// several engines on one state store (alerting replicas) count together.
type Engine struct {
	rules []rule.Rule
	byID  map[string]rule.Rule
	set   *match.Set
	win   *window.Evaluator
	clock func() time.Time
}

// Options configure New.
type Options struct {
	// Clock is the time rules are evaluated at (active/mute windows,
	// Tick); default time.Now. Events are counted at their doc's time.
	Clock func() time.Time
	// KeyPrefix prefixes the window counters in the store; default "alert:".
	KeyPrefix string
	// Match resolves saved searches named in match expressions.
	Match match.Options
}

// New compiles the enabled rules. A rule without a match expression (a
// filter-only or flatline rule) matches every doc that passes its filter.
func New(rules []rule.Rule, store state.Store, o Options) (*Engine, error) {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = "alert:"
	}
	e := &Engine{byID: map[string]rule.Rule{}, clock: o.Clock}
	exprs := map[string]string{}
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		e.rules = append(e.rules, r)
		e.byID[r.ID] = r
		if strings.TrimSpace(r.Match) != "" {
			exprs[r.ID] = r.Match
		}
	}
	set, err := match.Compile(exprs, o.Match)
	if err != nil {
		return nil, fmt.Errorf("compiling rule matches: %w", err)
	}
	e.set = set
	e.win = window.New(store, o.Clock, o.KeyPrefix)
	return e, nil
}

// Rules returns the enabled rules, in the order given.
func (e *Engine) Rules() []rule.Rule { return e.rules }

// Observe evaluates d against every rule and returns the firings it causes.
func (e *Engine) Observe(ctx context.Context, d *analysis.Doc) ([]Firing, error) {
	now := e.clock()
	matched := map[string][]match.Hit{}
	for _, res := range e.set.Match(d) {
		matched[res.RuleID] = res.Explanation
	}
	var out []Firing
	for _, r := range e.rules {
		hits, ok := matched[r.ID]
		if !ok && strings.TrimSpace(r.Match) != "" {
			continue
		}
		if !passes(r.Filter, d) || !r.Active(now) {
			continue
		}
		fs, err := e.win.Observe(ctx, r, window.EventFromDoc(r, d))
		if err != nil {
			return out, fmt.Errorf("rule %s, doc %s: %w", r.ID, d.ID, err)
		}
		for _, f := range fs {
			out = append(out, Firing{Firing: f, Rule: r, Explanation: hits})
		}
	}
	return out, nil
}

// Tick evaluates the time-driven rule types (flatline, spike down) now.
func (e *Engine) Tick(ctx context.Context) ([]Firing, error) {
	now := e.clock()
	var active []rule.Rule
	for _, r := range e.rules {
		if r.Active(now) {
			active = append(active, r)
		}
	}
	fs, err := e.win.Tick(ctx, active)
	out := make([]Firing, 0, len(fs))
	for _, f := range fs {
		out = append(out, Firing{Firing: f, Rule: e.byID[f.RuleID]})
	}
	return out, err
}

// passes applies a rule's filter to d: every condition given must hold;
// within categories, one category reaching its score is enough.
func passes(f *rule.Filter, d *analysis.Doc) bool {
	if f == nil {
		return true
	}
	if len(f.Categories) > 0 {
		ok := false
		for id, min := range f.Categories {
			if categoryScore(d, id) >= min {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if d.Risk < f.MinRisk {
		return false
	}
	if len(f.Sources) > 0 && !slices.ContainsFunc(f.Sources, func(s string) bool {
		return d.Source == s || strings.HasSuffix(s, ":") && strings.HasPrefix(d.Source, s)
	}) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, d.Kind) {
		return false
	}
	if len(f.Regions) > 0 && !slices.ContainsFunc(f.Regions, func(r string) bool { return inRegion(d, r) }) {
		return false
	}
	return true
}

// categoryScore is the score of id or of its best subtype.
func categoryScore(d *analysis.Doc, id string) float64 {
	best := d.Categories[id]
	for c, s := range d.Categories {
		if strings.HasPrefix(c, id+".") && s > best {
			best = s
		}
	}
	return best
}

// inRegion reports whether the post's region or a place analysis found in
// it starts with r.
func inRegion(d *analysis.Doc, r string) bool {
	if strings.HasPrefix(d.Region, r) {
		return true
	}
	for _, l := range d.Locations {
		if strings.HasPrefix(l.String(), r) {
			return true
		}
	}
	return false
}

// GroupValue is d's value of the group-by field f of r, as alerts are
// fingerprinted.
func GroupValue(r rule.Rule, d *analysis.Doc, f string) string {
	return window.EventFromDoc(r, d).Fields[f]
}
