package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/index"
)

func in(t time.Time, p Period) bool { return !t.Before(p.From) && t.Before(p.To) }

// alerts summarises the alerts created in the period and lists the major
// incidents among them.
func (g *gen) alerts(ctx context.Context) error {
	all, err := g.src.Alerts(ctx, alert.Filter{Since: g.prev.From})
	if err != nil {
		return fmt.Errorf("listing alerts: %w", err)
	}
	var cur []alert.Alert
	prevN := 0
	for _, a := range all {
		switch {
		case in(a.CreatedAt, g.p):
			cur = append(cur, a)
		case in(a.CreatedAt, g.prev):
			prevN++
		}
	}
	sort.SliceStable(cur, func(i, j int) bool { return cur[i].CreatedAt.Before(cur[j].CreatedAt) })
	s := &g.r.Alerts
	s.Link = g.ln.alerts(nil, g.p.From, g.p.To)
	s.Total = Count{Count: len(cur), Prev: prevN, ChangePct: changePct(len(cur), prevN), Link: s.Link,
		PrevLink: g.ln.alerts(nil, g.prev.From, g.prev.To)}
	sev := map[string]int{}
	rules := map[string]*RuleCount{}
	var acks []time.Duration
	s.Unacknowledged = []AlertRef{}
	for _, a := range cur {
		sev[a.Severity]++
		rc := rules[a.RuleID]
		if rc == nil {
			rc = &RuleCount{RuleID: a.RuleID, BySeverity: map[string]int{},
				Link: g.ln.alerts(map[string]string{"rule": a.RuleID}, g.p.From, g.p.To)}
			rules[a.RuleID] = rc
		}
		rc.Count++
		rc.BySeverity[a.Severity]++
		if a.AckedAt != nil {
			acks = append(acks, a.AckedAt.Sub(a.CreatedAt))
		} else {
			s.Unacknowledged = append(s.Unacknowledged, AlertRef{ID: a.ID, RuleID: a.RuleID, Severity: a.Severity,
				Status: a.Status, Title: a.Title, CreatedAt: a.CreatedAt.In(g.o.Location), Link: g.ln.alert(a.ID, a.CreatedAt)})
		}
	}
	s.BySeverity = []KeyCount{}
	for _, k := range sortedKeys(sev) {
		s.BySeverity = append(s.BySeverity, KeyCount{Key: k, Count: sev[k],
			Link: g.ln.alerts(map[string]string{"severity": k}, g.p.From, g.p.To)})
	}
	s.ByRule = []RuleCount{}
	for _, rc := range rules {
		s.ByRule = append(s.ByRule, *rc)
	}
	sortBy(s.ByRule, func(a, b RuleCount) bool {
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.RuleID < b.RuleID
	})
	s.Acked = len(acks)
	if len(acks) > 0 {
		m, p90 := Quantile(acks, 0.5), Quantile(acks, 0.9)
		s.AckMedian, s.AckP90 = &m, &p90
	}
	g.incidents(cur)
	return nil
}

func (g *gen) incidents(cur []alert.Alert) {
	g.r.Incidents = []Incident{}
	for _, a := range cur {
		if !slices.Contains(g.o.MajorSeverities, a.Severity) {
			continue
		}
		inc := Incident{AlertID: a.ID, RuleID: a.RuleID, Severity: a.Severity, Status: a.Status, Title: a.Title,
			Summary: a.Summary, CreatedAt: a.CreatedAt.In(g.o.Location), AckedAt: inZone(a.AckedAt, g.o.Location),
			ResolvedAt: inZone(a.ResolvedAt, g.o.Location), Matches: a.Count, Timeline: a.Timeline,
			Link: g.ln.alert(a.ID, a.CreatedAt)}
		if inc.Timeline == nil {
			inc.Timeline = []alert.Event{}
		}
		for i := range inc.Timeline {
			inc.Timeline[i].At = inc.Timeline[i].At.In(g.o.Location)
		}
		if c := a.Labels["cluster_id"]; c != "" {
			l := g.ln.search("cluster:"+strconv.Quote(c), g.p.From, g.p.To)
			inc.Evidence = &l
		}
		g.r.Incidents = append(g.r.Incidents, inc)
	}
}

func inZone(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(loc)
	return &v
}

// Quantile returns the q-quantile (0…1) of ds by linear interpolation
// between closest ranks (numpy's default); 0 for none. ds is not changed.
func Quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	frac := pos - float64(lo)
	return s[lo] + time.Duration(math.Round(frac*float64(s[hi]-s[lo])))
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// notable lists the period's riskiest documents, one per repost cluster.
func (g *gen) notable(ctx context.Context) error {
	res, err := g.src.Search(ctx, index.Request{From: g.p.From, To: g.p.To, Size: g.o.TopN,
		Sort: index.SortRisk, Collapse: index.CollapseCluster})
	if err != nil {
		return fmt.Errorf("riskiest documents: %w", err)
	}
	g.r.Notable = []DocRef{}
	for _, h := range res.Hits {
		ref := g.docRef(h.Doc)
		if h.Cluster != nil {
			ref.ClusterSize = int(h.Cluster.Size)
		}
		g.r.Notable = append(g.r.Notable, ref)
	}
	return nil
}
