package rule

import (
	"time"
)

// Rule types, as users know them from ElastAlert.
const (
	TypeAny         = "any"         // every matching post
	TypeFrequency   = "frequency"   // num_events matches within timeframe, per query_key
	TypeSpike       = "spike"       // the current timeframe is spike_height times the previous one
	TypeFlatline    = "flatline"    // fewer than threshold posts within timeframe, per query_key
	TypeNewTerm     = "new_term"    // a value of fields not seen in the last terms_window
	TypeCardinality = "cardinality" // distinct values of cardinality_field above max or below min
)

// Spike directions.
const (
	SpikeUp   = "up"
	SpikeDown = "down"
	SpikeBoth = "both"
)

// Severities, most urgent first.
const (
	P1 = "P1"
	P2 = "P2"
	P3 = "P3"
	P4 = "P4"
)

// Default values filled in when a file leaves a field out.
var (
	// DefaultGroupWait is how long the first burst of an incident is
	// batched before the alert goes out, per severity: P1 must reach the
	// on-duty officer at once, lower severities can wait to collect
	// reposts into one message.
	DefaultGroupWait = map[string]Duration{
		P1: Duration(5 * time.Second),
		P2: Duration(15 * time.Second),
		P3: Duration(30 * time.Second),
		P4: Duration(time.Minute),
	}
	DefaultRealert     = Duration(10 * time.Minute)
	DefaultGroupBy     = []string{"cluster_id"}
	DefaultSpikeType   = SpikeUp
	DefaultTermsWindow = Duration(30 * 24 * time.Hour)
	DefaultTimeZone    = "Asia/Shanghai"
)

// Rule is one alert rule. The yaml names are the file format; the json
// names are the API's (GET /api/v1/rules). Type parameters that do not
// belong to Type are rejected by the loader, so a parsed Rule only has the
// ones its type uses.
type Rule struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"` // defaults to ID
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Severity    string `yaml:"severity" json:"severity"` // P1…P4
	Enabled     bool   `yaml:"enabled" json:"enabled"`   // default true
	Type        string `yaml:"type" json:"type"`
	// Match is an expression of the query language (words, AND/OR/NOT,
	// NEAR(a, b, N), category:fraud >= 0.7, …). It may be empty for a
	// flatline rule or a rule with a Filter: then every post that passes
	// the filter matches.
	Match  string  `yaml:"match,omitempty" json:"match,omitempty"`
	Filter *Filter `yaml:"filter,omitempty" json:"filter,omitempty"`

	// frequency
	NumEvents int `yaml:"num_events,omitempty" json:"num_events,omitempty"`
	// spike
	SpikeHeight  float64 `yaml:"spike_height,omitempty" json:"spike_height,omitempty"`
	SpikeType    string  `yaml:"spike_type,omitempty" json:"spike_type,omitempty"`
	ThresholdRef int     `yaml:"threshold_ref,omitempty" json:"threshold_ref,omitempty"`
	ThresholdCur int     `yaml:"threshold_cur,omitempty" json:"threshold_cur,omitempty"`
	// flatline
	Threshold int `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	// new_term
	Fields      []string `yaml:"fields,omitempty" json:"fields,omitempty"`
	TermsWindow Duration `yaml:"terms_window,omitempty" json:"terms_window,omitempty"`
	// cardinality
	CardinalityField string `yaml:"cardinality_field,omitempty" json:"cardinality_field,omitempty"`
	MaxCardinality   int    `yaml:"max_cardinality,omitempty" json:"max_cardinality,omitempty"`
	MinCardinality   int    `yaml:"min_cardinality,omitempty" json:"min_cardinality,omitempty"`
	// frequency, spike, flatline, cardinality
	Timeframe Duration `yaml:"timeframe,omitempty" json:"timeframe,omitempty"`
	QueryKey  string   `yaml:"query_key,omitempty" json:"query_key,omitempty"`

	// Require makes a major-incident rule: the group must hold MinPosts
	// posts from MinSources distinct sources within Within.
	Require *Require `yaml:"require,omitempty" json:"require,omitempty"`

	GroupBy   []string `yaml:"group_by" json:"group_by"`     // default [cluster_id]; [] is one alert for the rule
	GroupWait Duration `yaml:"group_wait" json:"group_wait"` // default per severity, see DefaultGroupWait
	Realert   Duration `yaml:"realert" json:"realert"`       // default 10m

	// TimeZone is the IANA zone of ActiveTime and MuteTime, default
	// Asia/Shanghai when either is set.
	TimeZone   string   `yaml:"time_zone,omitempty" json:"time_zone,omitempty"`
	ActiveTime []string `yaml:"active_time,omitempty" json:"active_time,omitempty"` // e.g. "weekdays 09:00-18:00"
	MuteTime   []string `yaml:"mute_time,omitempty" json:"mute_time,omitempty"`

	Labels    map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
	Receivers []string          `yaml:"receivers,omitempty" json:"receivers,omitempty"`

	// Version is computed by the loader; a version key in a file is
	// ignored (so a rule read back from Marshal loads again).
	Version string `yaml:"version,omitempty" json:"version,omitempty"`

	// File and Line say where the rule was read from.
	File string `yaml:"-" json:"-"`
	Line int    `yaml:"-" json:"-"`

	loc          *time.Location
	active, mute []window
}

// Filter narrows the posts a rule sees before its expression runs. All set
// conditions must hold; a list holds when any of its values does.
type Filter struct {
	// Categories maps a category id (analysis/classify) to the minimum
	// score; the post must reach at least one of them.
	Categories map[string]float64 `yaml:"categories,omitempty" json:"categories,omitempty"`
	MinRisk    float64            `yaml:"min_risk,omitempty" json:"min_risk,omitempty"`
	Sources    []string           `yaml:"sources,omitempty" json:"sources,omitempty"` // exact, or a prefix ending in ':' ("news:")
	Kinds      []string           `yaml:"kinds,omitempty" json:"kinds,omitempty"`     // post, comment, article, sms
	Regions    []string           `yaml:"regions,omitempty" json:"regions,omitempty"` // prefixes of Post.region, e.g. 浙江省
}

// Require is the major-incident condition.
type Require struct {
	MinPosts   int      `yaml:"min_posts" json:"min_posts"`
	MinSources int      `yaml:"min_sources,omitempty" json:"min_sources,omitempty"`
	Within     Duration `yaml:"within" json:"within"`
}

// Default returns the values a rule starts from before its file is read.
func Default() Rule {
	return Rule{Enabled: true, GroupBy: append([]string(nil), DefaultGroupBy...)}
}

// Active reports whether alerts of r may be sent at t: inside one of its
// active_time windows (when it has any) and outside all mute_time windows.
// A rule not built by the loader is always active.
func (r *Rule) Active(t time.Time) bool {
	if r.loc == nil {
		return true
	}
	t = t.In(r.loc)
	for _, w := range r.mute {
		if w.contains(t) {
			return false
		}
	}
	if len(r.active) == 0 {
		return true
	}
	for _, w := range r.active {
		if w.contains(t) {
			return true
		}
	}
	return false
}
