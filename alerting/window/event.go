package window

import (
	"cmp"
	"strings"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
)

// valueSep separates the values of a multi-valued field in Event.Fields.
const valueSep = "\x1f"

// JoinValues joins the values of a multi-valued field for Event.Fields.
func JoinValues(vals ...string) string { return strings.Join(vals, valueSep) }

// Values splits a field value joined by JoinValues, dropping empty values.
func Values(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, valueSep) {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// EventFromDoc builds the Event of d for r, with the fields r needs
// (query_key, group_by, cardinality_field, new_term fields and source).
// locations are the most specific name of each place (district, else
// city, else province); keywords are their terms; meta.<key> fields are
// not read here (the caller may add them).
func EventFromDoc(r rule.Rule, d *analysis.Doc) Event {
	ev := Event{RuleID: r.ID, DocID: d.ID, At: d.PublishedAt, Fields: map[string]string{}}
	if ev.At.IsZero() {
		ev.At = d.IngestedAt
	}
	names := append([]string{"source", r.QueryKey, r.CardinalityField}, r.GroupBy...)
	for _, f := range append(names, r.Fields...) {
		if f != "" {
			if v := docField(d, f); v != "" {
				ev.Fields[f] = v
			}
		}
	}
	return ev
}

func docField(d *analysis.Doc, f string) string {
	switch f {
	case "author":
		return d.Author
	case "cluster_id":
		return d.ClusterID
	case "kind":
		return d.Kind
	case "lang":
		return d.Lang
	case "region":
		return d.Region
	case "source":
		return d.Source
	case "title":
		return d.Title
	case "url":
		return d.URL
	case "keywords":
		vals := make([]string, len(d.Keywords))
		for i, k := range d.Keywords {
			vals[i] = k.Term
		}
		return JoinValues(vals...)
	case "locations":
		vals := make([]string, 0, len(d.Locations))
		for _, l := range d.Locations {
			vals = append(vals, cmp.Or(l.District, l.City, l.Province))
		}
		return JoinValues(vals...)
	}
	return ""
}
