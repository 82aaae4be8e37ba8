package report

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestReportWeekly generates the fixture's week and checks every section's
// numbers, then the same numbers and links in each format.
func TestReportWeekly(t *testing.T) {
	r := weeklyReport(t)
	t.Run("generate", func(t *testing.T) { checkWeekly(t, r) })
	html, err := RenderHTML(r)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("html", func(t *testing.T) { checkRendered(t, r, string(html), true) })
	t.Run("markdown", func(t *testing.T) {
		md, err := RenderMarkdown(r)
		if err != nil {
			t.Fatal(err)
		}
		checkRendered(t, r, string(md), false)
	})
	t.Run("pdf", func(t *testing.T) {
		pdf, err := RenderPDF(t.Context(), html, "")
		if errors.Is(err, ErrNoChromium) {
			t.Skipf("%v (make deps installs it)", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		checkPDF(t, pdf, r.Title)
	})
}

// checkRendered looks for every figure of r, with its link, in out.
func checkRendered(t *testing.T, r Report, out string, isHTML bool) {
	t.Helper()
	text, url := out, func(u string) string { return u }
	if isHTML {
		text = html.UnescapeString(out)
		url = func(u string) string { return strings.ReplaceAll(u, "&", "&amp;") }
	}
	want := []string{r.Title, "+11.1%", "+50.0%", "-50.0%", "+200.0%", "12.5 分钟", "46.5 分钟", "8.67", "×4.33", "×7",
		"杀猪盘", "P1×1 P2×1 P3×1", "处置完毕"}
	has := func(s string) {
		t.Helper()
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// A figure is a link to its query with the number as its text.
	fig := func(n int, l Link) {
		t.Helper()
		if isHTML {
			re := regexp.MustCompile(`href="` + regexp.QuoteMeta(url(l.URL)) + `"[^>]*>` + strconv.Itoa(n) + `</a>`)
			if !re.MatchString(out) {
				t.Errorf("output lacks figure %d linked to %s", n, l.URL)
			}
			return
		}
		has(fmt.Sprintf("[%d](%s)", n, l.URL))
	}
	v := r.Volume
	fig(v.Total.Count, v.Total.Link)
	fig(v.Total.Prev, v.Total.PrevLink)
	for _, rows := range [][]Count{v.ByCategory, v.BySource, v.ByRegion} {
		for _, c := range rows {
			fig(c.Count, c.Link)
			fig(c.Prev, c.PrevLink)
		}
	}
	for _, b := range v.Trend {
		fig(b.Count, b.Link)
	}
	for _, tp := range append(r.HotTopics.Largest, r.HotTopics.FastestGrowing...) {
		fig(tp.Size, tp.Link)
		fig(tp.Prev, tp.PrevLink)
		has(tp.Representative.Snippet)
	}
	for _, tm := range r.EmergingTerms {
		fig(tm.Count, tm.Link)
	}
	a := r.Alerts
	fig(a.Total.Count, a.Total.Link)
	for _, k := range a.BySeverity {
		fig(k.Count, k.Link)
	}
	for _, rc := range a.ByRule {
		fig(rc.Count, rc.Link)
	}
	for _, u := range a.Unacknowledged {
		has(u.Title)
		has(url(u.Link.URL))
	}
	for _, i := range r.Incidents {
		has(i.Title)
		if i.Evidence != nil {
			has(url(i.Evidence.URL))
		}
	}
	for _, d := range r.Notable {
		fig(d.ClusterSize, d.Link)
	}
	if strings.Contains(out, "%!") || strings.Contains(out, "<no value>") {
		t.Errorf("output has a formatting error")
	}
}

// checkPDF checks a PDF: the header, the title in the document info (a
// UTF-16BE hex string, as Chromium writes non-ASCII titles) and an
// embedded CJK font.
func checkPDF(t *testing.T, pdf []byte, title string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	if got := pdfTitle(pdf); got != title {
		t.Errorf("PDF title = %q, want %q", got, title)
	}
	if !bytes.Contains(pdf, []byte("CJK")) {
		t.Errorf("PDF embeds no Noto CJK font")
	}
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
		ev := ""
		if i.Evidence != nil {
			ev = i.Evidence.Query
		}
		inc = append(inc, fmt.Sprintf("%s %s %s %d", i.RuleID, i.Severity, ev, len(i.Timeline)))
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
