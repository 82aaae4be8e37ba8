package rule

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // time_zone must resolve on hosts without a zoneinfo database

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// params lists the type parameters each rule type takes; the others are
// refused so that a misplaced parameter is not silently ignored.
var params = map[string][]string{
	TypeAny:         {},
	TypeFrequency:   {"num_events", "timeframe", "query_key"},
	TypeSpike:       {"spike_height", "spike_type", "timeframe", "threshold_ref", "threshold_cur", "query_key"},
	TypeFlatline:    {"threshold", "timeframe", "query_key"},
	TypeNewTerm:     {"fields", "terms_window"},
	TypeCardinality: {"cardinality_field", "max_cardinality", "min_cardinality", "timeframe", "query_key"},
}

var allParams = []string{"num_events", "timeframe", "query_key", "spike_height", "spike_type",
	"threshold_ref", "threshold_cur", "threshold", "fields", "terms_window",
	"cardinality_field", "max_cardinality", "min_cardinality"}

// DocFields are the document fields a rule may group, count or key by;
// meta.<key> names a key of Post.meta.
var DocFields = []string{"author", "cluster_id", "keywords", "kind", "lang", "locations", "region", "source", "title", "url"}

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	labelPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	metaPattern  = regexp.MustCompile(`^meta\.[A-Za-z0-9_]+$`)
	kinds        = []string{"post", "comment", "article", "sms"}
)

func (p *parser) fillDefaults(r *Rule) {
	if r.Name == "" {
		r.Name = r.ID
	}
	if d, ok := DefaultGroupWait[r.Severity]; ok && !p.set("group_wait") {
		r.GroupWait = d
	}
	if !p.set("realert") {
		r.Realert = DefaultRealert
	}
	if r.GroupBy == nil {
		r.GroupBy = []string{}
	}
	if r.Type == TypeSpike && r.SpikeType == "" {
		r.SpikeType = DefaultSpikeType
	}
	if r.Type == TypeNewTerm && !p.set("terms_window") {
		r.TermsWindow = DefaultTermsWindow
	}
	if r.TimeZone == "" && (len(r.ActiveTime) > 0 || len(r.MuteTime) > 0) {
		r.TimeZone = DefaultTimeZone
	}
	r.Match = strings.TrimSpace(r.Match)
	r.Version = ""
}

func (p *parser) validate(r *Rule, o Options) {
	switch {
	case r.ID == "" && !p.set("id"):
		p.errorf("id", "required")
	case !idPattern.MatchString(r.ID):
		p.errorf("id", "%q must be lower-case letters, digits, '.', '_' or '-' (at most 64), like fraud-wave", r.ID)
	}
	switch r.Severity {
	case P1, P2, P3, P4:
	case "":
		p.errorf("severity", "required (P1, P2, P3 or P4)")
	default:
		p.errorf("severity", "%q is not P1, P2, P3 or P4", r.Severity)
	}
	p.validateType(r)
	switch {
	case r.Match == "" && r.Filter == nil && r.Type != TypeFlatline && r.Type != "":
		p.errorf("match", "required for type %s (an expression such as 'category:fraud >= 0.7'), unless the rule has a filter", r.Type)
	case r.Match != "" && o.Validate != nil:
		if err := o.Validate(r.Match); err != nil {
			p.errorf("match", "%v", err)
		}
	}
	if r.Filter != nil {
		p.validateFilter(r.Filter)
	}
	if r.Require != nil {
		p.validateRequire(r)
	}
	p.docFields("group_by", r.GroupBy)
	p.validateTime(r)
	for k := range r.Labels {
		if !labelPattern.MatchString(k) {
			p.errorf("labels."+k, "label names are letters, digits and '_', not starting with a digit")
		}
	}
	for i, name := range r.Receivers {
		f := fmt.Sprintf("receivers[%d]", i)
		switch {
		case name == "":
			p.errorf(f, "empty receiver name")
		case slices.Index(r.Receivers, name) < i:
			p.errorf(f, "receiver %q is listed twice", name)
		case o.KnownReceivers != nil && !o.KnownReceivers[name]:
			p.errorf(f, "unknown receiver %q (known: %s)", name, strings.Join(sortedKeys(o.KnownReceivers), ", "))
		}
	}
}

func (p *parser) validateType(r *Rule) {
	want, ok := params[r.Type]
	if !ok {
		types := sortedKeys(params)
		if r.Type == "" {
			p.errorf("type", "required (%s)", strings.Join(types, ", "))
		} else {
			p.errorf("type", "%q is not one of %s", r.Type, strings.Join(types, ", "))
		}
		return
	}
	for _, k := range allParams {
		if p.set(k) && !slices.Contains(want, k) {
			var of []string
			for _, t := range sortedKeys(params) {
				if slices.Contains(params[t], k) {
					of = append(of, t)
				}
			}
			p.errorf(k, "not a parameter of type %s (it belongs to %s)", r.Type, strings.Join(of, ", "))
		}
	}
	if slices.Contains(want, "timeframe") {
		p.positiveDuration("timeframe", r.Timeframe, r.Type)
	}
	if p.set("query_key") {
		p.docFields("query_key", []string{r.QueryKey})
	}
	switch r.Type {
	case TypeFrequency:
		p.positiveInt("num_events", r.NumEvents, true, r.Type)
	case TypeSpike:
		if !p.set("spike_height") {
			p.errorf("spike_height", "required for type spike")
		} else if !(r.SpikeHeight > 1) {
			p.errorf("spike_height", "must be a number greater than 1 (how many times the reference window the current one must be)")
		}
		if r.SpikeType != SpikeUp && r.SpikeType != SpikeDown && r.SpikeType != SpikeBoth {
			p.errorf("spike_type", "%q is not up, down or both", r.SpikeType)
		}
		p.nonNegative("threshold_ref", r.ThresholdRef)
		p.nonNegative("threshold_cur", r.ThresholdCur)
	case TypeFlatline:
		p.positiveInt("threshold", r.Threshold, true, r.Type)
	case TypeNewTerm:
		if len(r.Fields) == 0 {
			p.errorf("fields", "required for type new_term: a list of document fields such as [locations]")
		}
		p.docFields("fields", r.Fields)
		if p.set("terms_window") {
			p.positiveDuration("terms_window", r.TermsWindow, r.Type)
		}
	case TypeCardinality:
		if r.CardinalityField == "" {
			p.errorf("cardinality_field", "required for type cardinality: the document field whose distinct values are counted, such as author")
		} else {
			p.docFields("cardinality_field", []string{r.CardinalityField})
		}
		if !p.set("max_cardinality") && !p.set("min_cardinality") {
			p.errorf("max_cardinality", "type cardinality needs max_cardinality, min_cardinality or both")
		}
		p.positiveInt("max_cardinality", r.MaxCardinality, false, r.Type)
		p.positiveInt("min_cardinality", r.MinCardinality, false, r.Type)
		if r.MaxCardinality > 0 && r.MinCardinality > r.MaxCardinality {
			p.errorf("min_cardinality", "%d is above max_cardinality %d", r.MinCardinality, r.MaxCardinality)
		}
	}
}

func (p *parser) positiveInt(field string, v int, required bool, typ string) {
	switch {
	case !p.set(field) && required && typ == "":
		p.errorf(field, "required")
	case !p.set(field) && required:
		p.errorf(field, "required for type %s", typ)
	case p.set(field) && v <= 0:
		p.errorf(field, "must be a positive integer")
	}
}

func (p *parser) nonNegative(field string, v int) {
	if v < 0 {
		p.errorf(field, "must not be negative")
	}
}

func (p *parser) positiveDuration(field string, d Duration, typ string) {
	switch {
	case !p.set(field):
		p.errorf(field, "required for type %s (a duration like 10m, 2h or 7d)", typ)
	case d <= 0:
		p.errorf(field, "must be a positive duration like 10m, 2h or 7d")
	}
}

// docFields checks names of document fields (group_by, query_key, fields).
func (p *parser) docFields(field string, names []string) {
	for i, n := range names {
		f := field
		if field != "query_key" && field != "cardinality_field" {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		switch {
		case !slices.Contains(DocFields, n) && !metaPattern.MatchString(n):
			p.errorf(f, "%q is not a document field (%s, or meta.<key>)", n, strings.Join(DocFields, ", "))
		case slices.Index(names, n) < i:
			p.errorf(f, "%q is listed twice", n)
		}
	}
}

func (p *parser) validateFilter(f *Filter) {
	for id, min := range f.Categories {
		if _, ok := classify.Lookup(id); !ok {
			p.errorf("filter.categories."+id, "unknown category id %q (see analysis/classify/taxonomy.go)", id)
		}
		if min < 0 || min > 1 {
			p.errorf("filter.categories."+id, "minimum score %v is not between 0 and 1", min)
		}
	}
	if f.MinRisk < 0 || f.MinRisk > 1 {
		p.errorf("filter.min_risk", "%v is not between 0 and 1", f.MinRisk)
	}
	for i, k := range f.Kinds {
		if !slices.Contains(kinds, k) {
			p.errorf(fmt.Sprintf("filter.kinds[%d]", i), "%q is not post, comment, article or sms", k)
		}
	}
	for field, list := range map[string][]string{"filter.sources": f.Sources, "filter.regions": f.Regions} {
		for i, s := range list {
			if strings.TrimSpace(s) == "" {
				p.errorf(fmt.Sprintf("%s[%d]", field, i), "empty value")
			}
		}
	}
}

func (p *parser) validateRequire(r *Rule) {
	q := r.Require
	if r.Type == TypeFlatline {
		p.errorf("require", "does not apply to type flatline (it counts posts that did not arrive)")
		return
	}
	p.positiveInt("require.min_posts", q.MinPosts, true, "")
	if !p.set("require.min_posts") {
		return
	}
	p.nonNegative("require.min_sources", q.MinSources)
	if q.MinSources > q.MinPosts && q.MinPosts > 0 {
		p.errorf("require.min_sources", "%d distinct sources cannot come from %d posts (min_posts)", q.MinSources, q.MinPosts)
	}
	if !p.set("require.within") {
		p.errorf("require.within", "required (a duration like 30m)")
	} else if q.Within <= 0 {
		p.errorf("require.within", "must be a positive duration like 30m")
	}
}

func (p *parser) validateTime(r *Rule) {
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil || (r.TimeZone == "" && p.set("time_zone")) {
		p.errorf("time_zone", "%q is not an IANA time zone such as Asia/Shanghai", r.TimeZone)
		return
	}
	r.loc = loc
	for field, list := range map[string][]string{"active_time": r.ActiveTime, "mute_time": r.MuteTime} {
		for i, s := range list {
			w, err := parseWindow(s)
			if err != nil {
				p.errorf(fmt.Sprintf("%s[%d]", field, i), "%v", err)
				continue
			}
			if field == "active_time" {
				r.active = append(r.active, w)
			} else {
				r.mute = append(r.mute, w)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
