package report

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestReportWeekly generates the fixture's week and checks every section's
// numbers, then the same numbers and links in each format.
func TestReportWeekly(t *testing.T) {
	r := weeklyReport(t)
	t.Run("generate", func(t *testing.T) { checkWeekly(t, r) })
}

func pct(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func checkCounts(t *testing.T, what string, got []Count, want []string) {
	t.Helper()
	var s []string
	for _, c := range got {
		s = append(s, fmt.Sprintf("%s %d %d %s", c.Value, c.Count, c.Prev, pct(c.ChangePct)))
	}
	if !slices.Equal(s, want) {
		t.Errorf("%s = %q, want %q", what, s, want)
	}
}

func checkWeekly(t *testing.T, r Report) {
	if r.Title != "舆情周报 2026-11-02 至 2026-11-08" || !r.Period.From.Equal(weekStart) || !r.Previous.From.Equal(weekStart.AddDate(0, 0, -7)) {
		t.Errorf("title/period: %q %v %v", r.Title, r.Period, r.Previous)
	}
	v := r.Volume
	checkCounts(t, "total", []Count{v.Total}, []string{" 20 18 11.1"})
	checkCounts(t, "by category", v.ByCategory, []string{"fraud 12 8 50", "incident 6 6 0", "gambling 2 4 -50"})
	checkCounts(t, "by source", v.BySource, []string{"weibo 12 8 50", "news:xinhuanet 6 6 0", "forum:tieba 2 4 -50"})
	checkCounts(t, "by region", v.ByRegion, []string{"浙江省 12 8 50", "广东省 6 6 0"})
	if q := v.ByCategory[0].Link; q.Query != `category:"fraud"` || !q.From.Equal(weekStart) || !q.To.Equal(weekStart.AddDate(0, 0, 7)) {
		t.Errorf("category link: %+v", q)
	}
	// Docs of a group fall on day i%7: 12+6+2 docs → 4 4 3 3 3 2 1.
	var days []int
	for _, b := range v.Trend {
		days = append(days, b.Count)
	}
	if want := []int{4, 4, 3, 3, 3, 2, 1}; v.Interval != "1d" || !slices.Equal(days, want) {
		t.Errorf("trend %s = %v, want %v", v.Interval, days, want)
	}

	ht := r.HotTopics
	topic := func(tp Topic) string {
		return fmt.Sprintf("%s %d %d %v %s", tp.ClusterID, tp.Size, tp.Prev, tp.Growth, tp.Representative.ID)
	}
	var largest, growing []string
	for _, tp := range ht.Largest {
		largest = append(largest, topic(tp))
	}
	for _, tp := range ht.FastestGrowing {
		growing = append(growing, topic(tp))
	}
	if want := []string{"c-fraud 12 2 4.33 g0-00", "c-fire 6 0 7 g1-00"}; !slices.Equal(largest, want) {
		t.Errorf("largest = %q, want %q", largest, want)
	}
	if want := []string{"c-fire 6 0 7 g1-00", "c-fraud 12 2 4.33 g0-00"}; !slices.Equal(growing, want) {
		t.Errorf("fastest growing = %q, want %q", growing, want)
	}
	if ht.Scanned != 20 {
		t.Errorf("scanned %d docs, want 20", ht.Scanned)
	}

	// 杀猪盘: 12 this week, 2 0 0 0 before → (12+1)/(0.5+1) = 8.67; 火灾 (6
	// every week) and 赌博 (2 < min count) are not emerging.
	if len(r.EmergingTerms) != 1 {
		t.Fatalf("emerging terms: %+v", r.EmergingTerms)
	}
	if tm := r.EmergingTerms[0]; tm.Term != "杀猪盘" || tm.Count != 12 || !slices.Equal(tm.Baseline, []int{2, 0, 0, 0}) ||
		tm.BaselineRate != 0.5 || tm.Score != 8.67 || tm.Link.Query != `"杀猪盘"` || !tm.BaselineLink.From.Equal(weekStart.AddDate(0, 0, -28)) {
		t.Errorf("emerging term: %+v", tm)
	}

	a := r.Alerts
	checkCounts(t, "alerts", []Count{a.Total}, []string{" 6 2 200"})
	var sev []string
	for _, k := range a.BySeverity {
		sev = append(sev, fmt.Sprintf("%s %d", k.Key, k.Count))
	}
	if want := []string{"P1 2", "P2 2", "P3 1", "P4 1"}; !slices.Equal(sev, want) {
		t.Errorf("by severity = %q, want %q", sev, want)
	}
	var rules []string
	for _, rc := range a.ByRule {
		rules = append(rules, fmt.Sprintf("%s %d %v", rc.RuleID, rc.Count, rc.BySeverity))
	}
	if want := []string{"fire 3 map[P1:1 P2:1 P3:1]", "fraud-burst 2 map[P1:1 P2:1]", "gambling 1 map[P4:1]"}; !slices.Equal(rules, want) {
		t.Errorf("by rule = %q, want %q", rules, want)
	}
	// Acknowledged after 5, 15, 10 and 60 minutes.
	if a.Acked != 4 || a.AckMedian == nil || *a.AckMedian != 12*time.Minute+30*time.Second || *a.AckP90 != 46*time.Minute+30*time.Second {
		t.Errorf("time to ack: %d %v %v", a.Acked, a.AckMedian, a.AckP90)
	}
	var unacked []string
	for _, u := range a.Unacknowledged {
		unacked = append(unacked, u.RuleID+" "+u.Severity)
	}
	if want := []string{"gambling P4", "fire P2"}; !slices.Equal(unacked, want) {
		t.Errorf("unacknowledged = %q, want %q", unacked, want)
	}

	var inc []string
	for _, i := range r.Incidents {
		inc = append(inc, fmt.Sprintf("%s %s %s %d", i.RuleID, i.Severity, i.Link.Query, len(i.Timeline)))
	}
	if want := []string{`fraud-burst P1 cluster:"c-fraud" 2`, `fraud-burst P2 cluster:"c-fraud-2" 2`,
		`fire P1 cluster:"c-fire" 3`, `fire P2 cluster:"c-fire-c" 1`}; !slices.Equal(inc, want) {
		t.Errorf("incidents = %q, want %q", inc, want)
	}

	var notable []string
	for _, d := range r.Notable {
		notable = append(notable, fmt.Sprintf("%s %v %d", d.ID, d.Risk, d.ClusterSize))
	}
	if want := []string{"g1-03 0.95 6", "g0-06 0.8 12", "g2-01 0.3 1", "g2-00 0.3 1"}; !slices.Equal(notable, want) {
		t.Errorf("notable = %q, want %q", notable, want)
	}
}
