package report

import (
	"net/url"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

// Report is a generated trend report: plain data, every figure with the
// query and time range behind it.
type Report struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Period      Period    `json:"period"`
	Previous    Period    `json:"previous"`
	Timezone    string    `json:"timezone"`
	GeneratedAt time.Time `json:"generated_at"`
	// Schedule names the schedule that generated it ("" on demand).
	Schedule      string       `json:"schedule,omitempty"`
	Volume        Volume       `json:"volume"`
	HotTopics     HotTopics    `json:"hot_topics"`
	EmergingTerms []Term       `json:"emerging_terms"`
	Incidents     []Incident   `json:"incidents"`
	Alerts        AlertSummary `json:"alerts"`
	Notable       []DocRef     `json:"notable"`
	// Notes say where a figure is approximate (a scan hit its cap).
	Notes []string `json:"notes,omitempty"`
}

// Link is the query behind a figure and where the console shows it.
type Link struct {
	// Query is in the analysts' query language ("" is everything); for
	// alert figures it is the alert list's filter (rule:… severity:…).
	Query string    `json:"query"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	// URL opens the documents (or alerts) in the console.
	URL string `json:"url"`
}

// Count is a figure of the period against the previous one.
type Count struct {
	// Value is the category, source or region ("" for the total).
	Value string `json:"value"`
	Count int    `json:"count"`
	Prev  int    `json:"prev"`
	// ChangePct is (Count−Prev)/Prev×100 rounded to 0.1; nil when Prev is 0.
	ChangePct *float64 `json:"change_pct"`
	Link      Link     `json:"link"`
	PrevLink  Link     `json:"prev_link"`
}

// Bucket is one step of a trend line.
type Bucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
	Link  Link      `json:"link"`
}

// Volume is the volume trend.
type Volume struct {
	Total      Count    `json:"total"`
	Interval   string   `json:"interval"` // "1h" (daily report) or "1d"
	Trend      []Bucket `json:"trend"`
	ByCategory []Count  `json:"by_category"`
	BySource   []Count  `json:"by_source"`
	ByRegion   []Count  `json:"by_region"`
}

// DocRef is a document shown in a report.
type DocRef struct {
	ID          string    `json:"id"`
	Title       string    `json:"title,omitempty"`
	Snippet     string    `json:"snippet"`
	Source      string    `json:"source"`
	URL         string    `json:"url,omitempty"` // the original post
	PublishedAt time.Time `json:"published_at"`
	Risk        float64   `json:"risk"`
	ClusterID   string    `json:"cluster_id,omitempty"`
	// ClusterSize is the number of the cluster's documents in the period
	// (notable documents only).
	ClusterSize int  `json:"cluster_size,omitempty"`
	Link        Link `json:"link"`
}

// Topic is a repost cluster of the period.
type Topic struct {
	ClusterID string    `json:"cluster_id"`
	Size      int       `json:"size"`
	Prev      int       `json:"prev"`
	Growth    float64   `json:"growth"` // (Size+1)/(Prev+1)
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Representative is the cluster's earliest document in the period.
	Representative DocRef `json:"representative"`
	Link           Link   `json:"link"`
	PrevLink       Link   `json:"prev_link"`
}

// HotTopics are the largest and the fastest-growing clusters.
type HotTopics struct {
	Largest        []Topic `json:"largest"`
	FastestGrowing []Topic `json:"fastest_growing"`
	// Scanned is the number of documents read to count clusters and terms.
	Scanned int `json:"scanned"`
}

// Term is an emerging term.
type Term struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
	// Baseline are the counts in the periods before, most recent first.
	Baseline     []int   `json:"baseline"`
	BaselineRate float64 `json:"baseline_rate"`
	Score        float64 `json:"score"`
	Link         Link    `json:"link"`
	BaselineLink Link    `json:"baseline_link"`
}

// Incident is a major alert of the period with its timeline.
type Incident struct {
	AlertID    string        `json:"alert_id"`
	RuleID     string        `json:"rule_id"`
	Severity   string        `json:"severity"`
	Status     alert.Status  `json:"status"`
	Title      string        `json:"title"`
	Summary    string        `json:"summary"`
	CreatedAt  time.Time     `json:"created_at"`
	AckedAt    *time.Time    `json:"acked_at,omitempty"`
	ResolvedAt *time.Time    `json:"resolved_at,omitempty"`
	Matches    int           `json:"matches"`
	Timeline   []alert.Event `json:"timeline"`
	// Link opens the alert (its matches); Evidence, when the alert groups
	// by cluster_id, the cluster's documents in the period.
	Link     Link  `json:"link"`
	Evidence *Link `json:"evidence,omitempty"`
}

// KeyCount is a count of alerts by one key.
type KeyCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	Link  Link   `json:"link"`
}

// RuleCount is the alerts of one rule.
type RuleCount struct {
	RuleID     string         `json:"rule_id"`
	Count      int            `json:"count"`
	BySeverity map[string]int `json:"by_severity"`
	Link       Link           `json:"link"`
}

// AlertRef is an alert listed in a report.
type AlertRef struct {
	ID        string       `json:"id"`
	RuleID    string       `json:"rule_id"`
	Severity  string       `json:"severity"`
	Status    alert.Status `json:"status"`
	Title     string       `json:"title"`
	CreatedAt time.Time    `json:"created_at"`
	Link      Link         `json:"link"`
}

// AlertSummary is the alerts raised in the period.
type AlertSummary struct {
	Total      Count       `json:"total"`
	BySeverity []KeyCount  `json:"by_severity"`
	ByRule     []RuleCount `json:"by_rule"`
	// Acked is how many of the period's alerts were acknowledged; the
	// time-to-acknowledge figures are over them (nil when none).
	Acked     int            `json:"acked"`
	AckMedian *time.Duration `json:"ack_median,omitempty"`
	AckP90    *time.Duration `json:"ack_p90,omitempty"`
	// Unacknowledged are the period's alerts without acked_at.
	Unacknowledged []AlertRef `json:"unacknowledged"`
	Link           Link       `json:"link"`
}

// linker builds console links.
type linker struct{ base string }

func (l linker) search(q string, from, to time.Time) Link {
	v := url.Values{"q": {q}, "from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	return Link{Query: q, From: from, To: to, URL: l.base + "/search?" + v.Encode()}
}

func (l linker) alerts(filter map[string]string, from, to time.Time) Link {
	v := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	var q []string
	for _, k := range []string{"rule", "severity", "status"} {
		if filter[k] != "" {
			v.Set(k, filter[k])
			q = append(q, k+":"+filter[k])
		}
	}
	return Link{Query: strings.Join(q, " "), From: from, To: to, URL: l.base + "/alerts?" + v.Encode()}
}

func (l linker) alert(id string, at time.Time) Link {
	return Link{Query: "alert:" + id, From: at, To: at, URL: l.base + "/alerts/" + url.PathEscape(id)}
}
