package window

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
)

// GroupKey is the group an event belongs to for require: its group_by
// values joined by JoinValues ("" for a rule without group_by).
func GroupKey(r rule.Rule, ev Event) string {
	vals := make([]string, len(r.GroupBy))
	for i, f := range r.GroupBy {
		vals[i] = ev.Fields[f]
	}
	return JoinValues(vals...)
}

// require counts ev in its group's require windows and keeps the
// candidates only when the group holds MinPosts posts from MinSources
// distinct sources within Within.
func (e *Evaluator) require(ctx context.Context, r rule.Rule, ev Event, now time.Time, cs []candidate) ([]candidate, error) {
	q := r.Require
	within := time.Duration(q.Within)
	group := GroupKey(r, ev)
	posts := e.series("rp", r.ID, group, within, 1)
	b, err := e.add(ctx, posts, now, ev.DocID)
	if err != nil {
		return nil, err
	}
	np, err := e.count(ctx, posts, b)
	if err != nil {
		return nil, err
	}
	var ns int64
	if q.MinSources > 0 {
		sources := e.series("rs", r.ID, group, within, 1)
		sb := b
		if src := ev.Fields["source"]; src != "" {
			if sb, err = e.addDistinct(ctx, sources, now, src, ""); err != nil {
				return nil, err
			}
		}
		if ns, err = e.count(ctx, sources, sb); err != nil {
			return nil, err
		}
	}
	if np < int64(q.MinPosts) || ns < int64(q.MinSources) || len(cs) == 0 {
		return nil, nil
	}
	why := fmt.Sprintf("%d posts", np)
	if q.MinSources > 0 {
		why += fmt.Sprintf(" from %d sources", ns)
	}
	why += fmt.Sprintf(" in %s (require %d", q.Within, q.MinPosts)
	if q.MinSources > 0 {
		why += fmt.Sprintf(" from %d", q.MinSources)
	}
	why += ")"
	for i := range cs {
		cs[i].f.Reason = strings.TrimPrefix(cs[i].f.Reason+"; "+why, "; ")
		if cs[i].s.base == "" {
			// Evidence of the whole group, not only the post that fired.
			cs[i].s, cs[i].b = posts, b
		}
	}
	return cs, nil
}
