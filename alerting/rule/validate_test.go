package rule

import (
	"errors"
	"strings"
	"testing"
)

// base is a valid frequency rule; cases append or replace lines.
const base = `id: r1
severity: P2
type: frequency
match: 'category:fraud >= 0.7'
num_events: 20
timeframe: 10m
`

func TestRuleValidationErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
		o                Options
	}{
		{"missing id", "severity: P1\ntype: any\nmatch: x\n", "t.yaml:1: rule #1: id: required", Options{}},
		{"bad id", "id: Fire Hangzhou\nseverity: P1\ntype: any\nmatch: x\n", `t.yaml:1: rule Fire Hangzhou: id: "Fire Hangzhou" must be lower-case letters`, Options{}},
		{"missing severity", "id: a\ntype: any\nmatch: x\n", "t.yaml:1: rule a: severity: required (P1, P2, P3 or P4)", Options{}},
		{"bad severity", "id: a\nseverity: P5\ntype: any\nmatch: x\n", `t.yaml:2: rule a: severity: "P5" is not P1, P2, P3 or P4`, Options{}},
		{"missing type", "id: a\nseverity: P1\nmatch: x\n", "t.yaml:1: rule a: type: required (any, cardinality, flatline, frequency, new_term, spike)", Options{}},
		{"bad type", "id: a\nseverity: P1\ntype: often\nmatch: x\n", `t.yaml:3: rule a: type: "often" is not one of any, cardinality`, Options{}},
		{"missing match", "id: a\nseverity: P1\ntype: any\n", "t.yaml:1: rule a: match: required for type any", Options{}},
		{"match hook", "id: a\nseverity: P1\ntype: any\nmatch: '(火灾'\n", "t.yaml:4: rule a: match: unbalanced parenthesis",
			Options{Validate: func(string) error { return errors.New("unbalanced parenthesis") }}},
		{"unknown key", base + "num_event: 3\n", "t.yaml:7: rule r1: num_event: unknown key (did you mean num_events?)", Options{}},
		{"repeated key", base + "num_events: 3\n", "t.yaml:7: rule r1: num_events: repeated key (first written at line 5)", Options{}},
		{"num_events zero", strings.Replace(base, "num_events: 20", "num_events: 0", 1), "t.yaml:5: rule r1: num_events: must be a positive integer", Options{}},
		{"num_events text", strings.Replace(base, "num_events: 20", "num_events: many", 1), `t.yaml:5: rule r1: num_events: must be an integer, not "many"`, Options{}},
		{"num_events missing", strings.Replace(base, "num_events: 20\n", "", 1), "t.yaml:1: rule r1: num_events: required for type frequency", Options{}},
		{"timeframe missing", strings.Replace(base, "timeframe: 10m\n", "", 1), "t.yaml:1: rule r1: timeframe: required for type frequency (a duration like 10m, 2h or 7d)", Options{}},
		{"bad duration", strings.Replace(base, "10m", "10 minutes", 1), `t.yaml:6: rule r1: timeframe: "10 minutes" is not a duration like 10m, 2h or 7d`, Options{}},
		{"negative duration", strings.Replace(base, "10m", "-10m", 1), `t.yaml:6: rule r1: timeframe: "-10m" is not a duration`, Options{}},
		{"zero timeframe", strings.Replace(base, "10m", "0s", 1), "t.yaml:6: rule r1: timeframe: must be a positive duration", Options{}},
		{"duration list", base + "realert: [1m]\n", "t.yaml:7: rule r1: realert: must be a duration like 10m, 2h or 7d, not a list", Options{}},
		{"param of other type", base + "spike_height: 2\n", "t.yaml:7: rule r1: spike_height: not a parameter of type frequency (it belongs to spike)", Options{}},
		{"param on any", "id: a\nseverity: P1\ntype: any\nmatch: x\ntimeframe: 1h\n", "t.yaml:5: rule a: timeframe: not a parameter of type any (it belongs to cardinality, flatline, frequency, spike)", Options{}},
		{"bad query_key", base + "query_key: clusterid\n", `t.yaml:7: rule r1: query_key: "clusterid" is not a document field`, Options{}},
		{"enabled yes", base + "enabled: maybe\n", `t.yaml:7: rule r1: enabled: must be true or false, not "maybe"`, Options{}},
		{"group_by field", base + "group_by: [cluster_id, place]\n", `t.yaml:7: rule r1: group_by[1]: "place" is not a document field`, Options{}},
		{"group_by twice", base + "group_by: [source, source]\n", `t.yaml:7: rule r1: group_by[1]: "source" is listed twice`, Options{}},
		{"spike missing", "id: s\nseverity: P3\ntype: spike\nmatch: x\n", "t.yaml:1: rule s: spike_height: required for type spike", Options{}},
		{"spike height", "id: s\nseverity: P3\ntype: spike\nmatch: x\nspike_height: 0.5\ntimeframe: 1h\n", "t.yaml:5: rule s: spike_height: must be a number greater than 1", Options{}},
		{"spike type", "id: s\nseverity: P3\ntype: spike\nmatch: x\nspike_height: 2\ntimeframe: 1h\nspike_type: sideways\n", `t.yaml:7: rule s: spike_type: "sideways" is not up, down or both`, Options{}},
		{"threshold_ref", "id: s\nseverity: P3\ntype: spike\nmatch: x\nspike_height: 2\ntimeframe: 1h\nthreshold_ref: -1\n", "t.yaml:7: rule s: threshold_ref: must not be negative", Options{}},
		{"flatline threshold", "id: f\nseverity: P3\ntype: flatline\ntimeframe: 1h\n", "t.yaml:1: rule f: threshold: required for type flatline", Options{}},
		{"flatline require", "id: f\nseverity: P3\ntype: flatline\ntimeframe: 1h\nthreshold: 1\nrequire: {min_posts: 2, within: 1h}\n", "t.yaml:6: rule f: require: does not apply to type flatline", Options{}},
		{"new_term fields", "id: n\nseverity: P3\ntype: new_term\nmatch: x\n", "t.yaml:1: rule n: fields: required for type new_term", Options{}},
		{"new_term window", "id: n\nseverity: P3\ntype: new_term\nmatch: x\nfields: [locations]\nterms_window: 0s\n", "t.yaml:6: rule n: terms_window: must be a positive duration", Options{}},
		{"cardinality field", "id: c\nseverity: P3\ntype: cardinality\nmatch: x\nmax_cardinality: 3\ntimeframe: 1h\n", "t.yaml:1: rule c: cardinality_field: required for type cardinality", Options{}},
		{"cardinality bounds", "id: c\nseverity: P3\ntype: cardinality\nmatch: x\ncardinality_field: author\ntimeframe: 1h\n", "t.yaml:1: rule c: max_cardinality: type cardinality needs max_cardinality, min_cardinality or both", Options{}},
		{"cardinality order", "id: c\nseverity: P3\ntype: cardinality\nmatch: x\ncardinality_field: author\ntimeframe: 1h\nmax_cardinality: 3\nmin_cardinality: 5\n", "t.yaml:8: rule c: min_cardinality: 5 is above max_cardinality 3", Options{}},
		{"require min_posts", base + "require: {min_sources: 2, within: 30m}\n", "t.yaml:7: rule r1: require.min_posts: required", Options{}},
		{"require sources", base + "require:\n  min_posts: 2\n  min_sources: 3\n  within: 30m\n", "t.yaml:9: rule r1: require.min_sources: 3 distinct sources cannot come from 2 posts", Options{}},
		{"require within", base + "require:\n  min_posts: 2\n", "t.yaml:7: rule r1: require.within: required (a duration like 30m)", Options{}},
		{"require unknown", base + "require:\n  min_posts: 2\n  within: 30m\n  max_posts: 9\n", "t.yaml:10: rule r1: require.max_posts: unknown key", Options{}},
		{"filter category", base + "filter:\n  categories: {fruad: 0.5}\n", `t.yaml:8: rule r1: filter.categories.fruad: unknown category id "fruad"`, Options{}},
		{"filter score", base + "filter:\n  categories:\n    fraud.loan: 1.5\n", "t.yaml:9: rule r1: filter.categories.fraud.loan: minimum score 1.5 is not between 0 and 1", Options{}},
		{"filter risk", base + "filter:\n  min_risk: 2\n", "t.yaml:8: rule r1: filter.min_risk: 2 is not between 0 and 1", Options{}},
		{"filter kind", base + "filter:\n  kinds: [post, tweet]\n", `t.yaml:8: rule r1: filter.kinds[1]: "tweet" is not post, comment, article or sms`, Options{}},
		{"filter unknown", base + "filter:\n  source: [weibo]\n", "t.yaml:8: rule r1: filter.source: unknown key (did you mean sources?)", Options{}},
		{"filter scalar", base + "filter: weibo\n", `t.yaml:7: rule r1: filter: must be a mapping of keys, not "weibo"`, Options{}},
		{"time zone", base + "time_zone: Mars/Olympus\n", `t.yaml:7: rule r1: time_zone: "Mars/Olympus" is not an IANA time zone`, Options{}},
		{"window", base + "active_time:\n  - weekdays 09:00-18:00\n  - weekdays 9-18\n", `t.yaml:9: rule r1: active_time[1]: "weekdays 9-18" is not a time window`, Options{}},
		{"window day", base + "mute_time: ['someday 01:00-02:00']\n", `t.yaml:7: rule r1: mute_time[0]: "someday 01:00-02:00": "someday" is not a day`, Options{}},
		{"window empty", base + "mute_time: ['daily 01:00-01:00']\n", `mute_time[0]: "daily 01:00-01:00" is empty`, Options{}},
		{"label name", base + "labels:\n  1team: ops\n", "t.yaml:8: rule r1: labels.1team: label names are letters", Options{}},
		{"labels type", base + "labels: [ops]\n", "t.yaml:7: rule r1: labels: must be a mapping of names to strings, not a list", Options{}},
		{"receiver unknown", base + "receivers: [duty-webhook, pager]\n", `t.yaml:7: rule r1: receivers[1]: unknown receiver "pager" (known: duty-webhook)`,
			Options{KnownReceivers: map[string]bool{"duty-webhook": true}}},
		{"receiver twice", base + "receivers: [a, a]\n", `t.yaml:7: rule r1: receivers[1]: receiver "a" is listed twice`, Options{}},
		{"duplicate id", base + "---\n" + base, "t.yaml:8: rule r1: id: duplicate id, first defined at t.yaml:1", Options{}},
		{"syntax", "id: a\n  severity: [P1\n", "t.yaml:2: YAML syntax: mapping values are not allowed in this context", Options{}},
		{"scalar document", "just text\n", "t.yaml:1: a rule file holds one rule", Options{}},
		{"list of scalars", "- a\n- b\n", "t.yaml:1: rule #1: a rule is a mapping of keys", Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile("t.yaml", []byte(tt.yaml), tt.o)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "t.yaml" {
				t.Errorf("error %v is not a *rule.Error naming the file", err)
			}
		})
	}
}

func TestRuleErrorsAllReportedInLineOrder(t *testing.T) {
	src := "id: a\nseverity: P9\ntype: frequency\nmatch: x\nnum_events: -2\ntimeframe: 1y\nbogus: 1\n"
	_, err := ParseFile("x.yaml", []byte(src), Options{})
	want := `x.yaml:2: rule a: severity: "P9" is not P1, P2, P3 or P4
x.yaml:5: rule a: num_events: must be a positive integer
x.yaml:6: rule a: timeframe: "1y" is not a duration like 10m, 2h or 7d
x.yaml:7: rule a: bogus: unknown key`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestRuleValidTypes(t *testing.T) {
	for name, src := range map[string]string{
		"any":         "id: a\nseverity: P1\ntype: any\nmatch: 火灾\n",
		"any filter":  "id: a\nseverity: P1\ntype: any\nfilter: {min_risk: 0.9}\n",
		"frequency":   base,
		"spike":       "id: a\nseverity: P3\ntype: spike\nmatch: x\nspike_height: 2.5\nspike_type: both\ntimeframe: 1h\nthreshold_ref: 5\nthreshold_cur: 10\nquery_key: region\n",
		"flatline":    "id: a\nseverity: P3\ntype: flatline\nthreshold: 3\ntimeframe: 2h\nquery_key: source\n",
		"new_term":    "id: a\nseverity: P3\ntype: new_term\nmatch: x\nfields: [locations, meta.gateway]\nterms_window: 7d\n",
		"cardinality": "id: a\nseverity: P3\ntype: cardinality\nmatch: x\ncardinality_field: author\nmin_cardinality: 2\nmax_cardinality: 50\ntimeframe: 1h\nquery_key: cluster_id\n",
		"require":     base + "require: {min_posts: 5, min_sources: 3, within: 30m}\n",
		"windows":     base + "time_zone: UTC\nactive_time: ['weekdays 09:00-18:00', 'sat,sun 10:00-12:00']\nmute_time: ['mon-fri 22:00-06:00', '12:00-13:00']\n",
	} {
		if _, err := ParseFile("t.yaml", []byte(src), Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRuleUnknownKeySuggestions(t *testing.T) {
	for key, want := range map[string]string{
		"tpye":        "unknown key (did you mean type?)",
		"x8":          "unknown key",
		"recievers":   "unknown key (did you mean receivers?)",
		"description": "",
	} {
		src := "id: a\nseverity: P1\ntype: any\nmatch: x\n" + key + ": v\n"
		if key == "tpye" {
			src = "id: a\nseverity: P1\nmatch: x\ntype: any\n" + key + ": v\n"
		}
		_, err := ParseFile("t.yaml", []byte(src), Options{})
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", key, err)
		case want != "" && (err == nil || !strings.HasSuffix(err.Error(), key+": "+want)):
			t.Errorf("%s: error %v, want it to end in %q", key, err, want)
		}
	}
	_, err := ParseFile("t.yaml", []byte(base+"receivers: [[a]]\n"), Options{})
	if err == nil || !strings.HasSuffix(err.Error(), "receivers: must be a list of strings") {
		t.Errorf("nested list: %v", err)
	}
}
