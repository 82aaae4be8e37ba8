package rule

import (
	"strings"
	"testing"
	"time"
)

func parseOne(t *testing.T, src string) Rule {
	t.Helper()
	rs, err := ParseFile("t.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d rules, want 1", len(rs))
	}
	return rs[0]
}

func TestRuleDefaults(t *testing.T) {
	r := parseOne(t, "id: a\nseverity: P1\ntype: any\nmatch: 火灾\n")
	if !r.Enabled || r.Name != "a" || len(r.GroupBy) != 1 || r.GroupBy[0] != "cluster_id" ||
		r.GroupWait != Duration(5*time.Second) || r.Realert != Duration(10*time.Minute) || r.TimeZone != "" {
		t.Errorf("defaults not filled in: %+v", r)
	}
	if r.File != "t.yaml" || r.Line != 1 || len(r.Version) != 12 {
		t.Errorf("file %q line %d version %q", r.File, r.Line, r.Version)
	}
	for sev, want := range map[string]time.Duration{P1: 5 * time.Second, P2: 15 * time.Second, P3: 30 * time.Second, P4: time.Minute} {
		r := parseOne(t, "id: a\ntype: any\nmatch: x\nseverity: "+sev+"\n")
		if r.GroupWait != Duration(want) {
			t.Errorf("%s: group_wait %v, want %v", sev, r.GroupWait, want)
		}
	}
	r = parseOne(t, "id: a\nseverity: P1\ntype: any\nmatch: x\ngroup_wait: 0s\nrealert: 0s\nenabled: false\ngroup_by: []\n")
	if r.GroupWait != 0 || r.Realert != 0 || r.Enabled || r.GroupBy == nil || len(r.GroupBy) != 0 {
		t.Errorf("explicit zero values were replaced by defaults: %+v", r)
	}
	r = parseOne(t, "id: s\nseverity: P3\ntype: spike\nmatch: x\nspike_height: 2\ntimeframe: 1h\n")
	if r.SpikeType != SpikeUp {
		t.Errorf("spike_type %q, want up", r.SpikeType)
	}
	r = parseOne(t, "id: n\nseverity: P3\ntype: new_term\nmatch: x\nfields: [locations]\n")
	if r.TermsWindow != Duration(30*24*time.Hour) {
		t.Errorf("terms_window %v, want 30d", r.TermsWindow)
	}
	r = parseOne(t, "id: n\nseverity: P3\ntype: any\nmatch: x\nmute_time: ['daily 01:00-06:00']\n")
	if r.TimeZone != "Asia/Shanghai" {
		t.Errorf("time_zone %q, want Asia/Shanghai", r.TimeZone)
	}
}

func TestRuleVersion(t *testing.T) {
	a := parseOne(t, "# a comment\nid: fraud-wave\nseverity: P2\ntype: frequency\nmatch: 'category:fraud >= 0.7'\nnum_events: 20\ntimeframe: 10m\nlabels: {team: a, scope: fraud}\n")
	same := []string{
		// key order, quoting, flow style, comments, defaults written out, a stale version
		"id: fraud-wave\ntimeframe: 600s\nnum_events: 20 # twenty\nmatch: \"category:fraud >= 0.7\"\ntype: frequency\nseverity: P2\nlabels:\n  scope: fraud\n  team: a\nrealert: 10m\nenabled: true\nversion: 000000000000\n",
		"- {id: fraud-wave, severity: P2, type: frequency, match: '  category:fraud >= 0.7', num_events: 20, timeframe: 10m, group_by: [cluster_id], group_wait: 15s, labels: {scope: fraud, team: a}}\n",
	}
	for _, src := range same {
		if b := parseOne(t, src); b.Version != a.Version {
			t.Errorf("version %s, want %s for the same rule written as\n%s", b.Version, a.Version, src)
		}
	}
	changed := map[string]string{
		"num_events":   "num_events: 21",
		"severity":     "severity: P1",
		"match":        "match: 'category:fraud >= 0.8'",
		"label":        "labels: {team: b, scope: fraud}",
		"disabled":     "enabled: false",
		"realert":      "realert: 11m",
		"timeframe 1h": "timeframe: 1h",
	}
	base := "id: fraud-wave\nseverity: P2\ntype: frequency\nmatch: 'category:fraud >= 0.7'\nnum_events: 20\ntimeframe: 10m\nlabels: {team: a, scope: fraud}\n"
	for name, line := range changed {
		key, _, _ := strings.Cut(line, ":")
		var out []string
		replaced := false
		for l := range strings.Lines(base) {
			if strings.HasPrefix(l, key+":") {
				l, replaced = line+"\n", true
			}
			out = append(out, l)
		}
		if !replaced {
			out = append(out, line+"\n")
		}
		if b := parseOne(t, strings.Join(out, "")); b.Version == a.Version {
			t.Errorf("%s: version unchanged (%s)", name, a.Version)
		}
	}
}

func TestRuleFileShapes(t *testing.T) {
	one := "id: a\nseverity: P1\ntype: any\nmatch: x\n"
	tests := map[string]struct {
		src   string
		ids   []string
		lines []int
	}{
		"one rule":      {one, []string{"a"}, []int{1}},
		"documents":     {"# header\n---\n" + one + "---\nid: b\nseverity: P2\ntype: any\nmatch: y\n---\n", []string{"a", "b"}, []int{3, 8}},
		"list":          {"- id: a\n  severity: P1\n  type: any\n  match: x\n- id: b\n  severity: P2\n  type: any\n  match: y\n", []string{"a", "b"}, []int{1, 5}},
		"list and doc":  {"- " + strings.ReplaceAll(strings.TrimSuffix(one, "\n"), "\n", "\n  ") + "\n---\nid: c\nseverity: P3\ntype: any\nmatch: z\n", []string{"a", "c"}, []int{1, 6}},
		"empty":         {"", nil, nil},
		"comments only": {"# nothing yet\n", nil, nil},
		"anchors":       {"- &r {id: a, severity: P1, type: any, match: x, labels: &l {team: t}}\n- {id: b, severity: P1, type: any, match: y, labels: *l}\n", []string{"a", "b"}, []int{1, 2}},
	}
	for name, tt := range tests {
		rs, err := ParseFile("t.yaml", []byte(tt.src), Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var ids []string
		var lines []int
		for _, r := range rs {
			ids, lines = append(ids, r.ID), append(lines, r.Line)
		}
		if strings.Join(ids, ",") != strings.Join(tt.ids, ",") || len(lines) != len(tt.lines) {
			t.Errorf("%s: ids %v lines %v, want %v %v", name, ids, lines, tt.ids, tt.lines)
			continue
		}
		for i := range lines {
			if lines[i] != tt.lines[i] {
				t.Errorf("%s: lines %v, want %v", name, lines, tt.lines)
			}
		}
	}
}

func TestRuleValidRulesReturnedBesideErrors(t *testing.T) {
	rs, err := ParseFile("t.yaml", []byte("id: a\nseverity: P1\ntype: any\nmatch: x\n---\nid: b\nseverity: P7\ntype: any\nmatch: x\n"), Options{})
	if err == nil || len(rs) != 1 || rs[0].ID != "a" {
		t.Errorf("got %d rules, err %v; want rule a and an error for b", len(rs), err)
	}
}

func TestRuleMarshalRoundTrip(t *testing.T) {
	rs, err := LoadDir("../../configs/rules", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseFile("marshalled.yaml", out, Options{})
	if err != nil {
		t.Fatalf("reading Marshal output back: %v\n%s", err, out)
	}
	if len(back) != len(rs) {
		t.Fatalf("%d rules back, want %d", len(back), len(rs))
	}
	for i := range rs {
		if back[i].ID != rs[i].ID || back[i].Version != rs[i].Version {
			t.Errorf("rule %s: version %s after a round trip, want %s", rs[i].ID, back[i].Version, rs[i].Version)
		}
	}
	if !strings.Contains(string(out), "version: "+rs[0].Version) || !strings.Contains(string(out), "\n---\n") {
		t.Errorf("Marshal output lacks versions or document separators:\n%s", out)
	}
}

func TestRuleDuration(t *testing.T) {
	for in, want := range map[string]string{
		"10m": "10m", "2h": "2h", "7d": "7d", "1d12h": "1d12h", "90m": "1h30m", "0": "0s", "0s": "0s",
		"30s": "30s", "1h0m30s": "1h0m30s", "36h": "1d12h", "1500ms": "1.5s",
	} {
		d, err := ParseDuration(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if d.String() != want {
			t.Errorf("%s: String() = %s, want %s", in, d, want)
		}
		if back, err := ParseDuration(d.String()); err != nil || back != d {
			t.Errorf("%s: %s reads back as %v, %v", in, d, back, err)
		}
	}
	for _, bad := range []string{"", "d", "7", "-1m", "1y", "x7d", "7d-1h", "1.5d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestRuleActiveWindows(t *testing.T) {
	r := parseOne(t, "id: a\nseverity: P3\ntype: any\nmatch: x\nactive_time: ['weekdays 09:00-18:00', 'sat 10:00-12:00']\nmute_time: ['wed 12:00-13:00', 'fri 17:00-24:00']\n")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(day, hm string) time.Time {
		t0, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, sh)
		return t0
	}
	// 2026-03-02 is a Monday.
	for _, c := range []struct {
		day, hm string
		want    bool
	}{
		{"2026-03-02", "08:59", false}, {"2026-03-02", "09:00", true}, {"2026-03-02", "17:59", true},
		{"2026-03-02", "18:00", false}, {"2026-03-04", "12:30", false}, {"2026-03-04", "13:00", true},
		{"2026-03-06", "16:59", true}, {"2026-03-06", "17:00", false}, {"2026-03-07", "11:00", true},
		{"2026-03-08", "11:00", false},
	} {
		if got := r.Active(at(c.day, c.hm)); got != c.want {
			t.Errorf("%s %s: Active = %v, want %v", c.day, c.hm, got, c.want)
		}
	}
	// The zone is the rule's, not the caller's: 01:30 UTC is 09:30 in Shanghai.
	if !r.Active(time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)) {
		t.Error("01:30 UTC Monday should be inside 09:00-18:00 Asia/Shanghai")
	}
	night := parseOne(t, "id: a\nseverity: P3\ntype: any\nmatch: x\ntime_zone: UTC\nmute_time: ['fri 22:00-06:00']\n")
	for _, c := range []struct {
		t    time.Time
		want bool
	}{
		{time.Date(2026, 3, 6, 23, 0, 0, 0, time.UTC), false}, // Friday night
		{time.Date(2026, 3, 7, 5, 59, 0, 0, time.UTC), false}, // Saturday morning, still Friday's window
		{time.Date(2026, 3, 7, 6, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC), true}, // Saturday night is not in the window
	} {
		if got := night.Active(c.t); got != c.want {
			t.Errorf("%v: Active = %v, want %v", c.t, got, c.want)
		}
	}
	if !(&Rule{}).Active(time.Now()) {
		t.Error("a rule without windows should always be active")
	}
}
