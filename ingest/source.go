package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Origin says where records come from when a configured source (rather
// than the ingest API) reads them, and how its fields map to ours.
type Origin struct {
	// Source names the configured source; records that name none get it.
	Source string
	// Kind is the kind of the records: sms records are parsed as SMS,
	// others as Posts of this kind (when they name none).
	Kind string
	// Region fills the Post's region when the record has none.
	Region string
	// Labels are added to every Post's meta under "labels".
	Labels map[string]string
	// Mapping renames the partner's fields to ours ({"content": "text"})
	// before the record is read; fields that are neither ours nor mapped
	// are kept in meta under their own names instead of being refused.
	Mapping map[string]string
}

var postFields = fieldSet(postIn{})
var smsFields = fieldSet(smsIn{})

// ParseFrom parses a body of records (a JSON array or NDJSON) read by a
// configured source: fields are renamed by the origin's mapping, unknown
// ones kept in meta, and the origin's source, kind, region and labels
// applied. Ids follow the same scheme as ParsePosts and ParseSMS, so the
// same record read twice gets the same id.
func ParseFrom(body []byte, now time.Time, lim Limits, o Origin) Batch {
	sms := o.Kind == KindSMS
	fields := postFields
	if sms {
		fields = smsFields
	}
	decode := func(raw []byte) (Post, *Reject) {
		raw, rej := o.remap(raw, fields)
		if rej != nil {
			return Post{}, rej
		}
		if sms {
			return decodeSMS(raw, now)
		}
		return decodePost(raw, now)
	}
	b := parseAll(body, lim, func(raw []byte) (Post, *Reject) {
		p, rej := decode(raw)
		if rej == nil {
			o.Apply(&p)
		}
		return p, rej
	})
	return b
}

// remap renames the record's fields and moves unknown ones into meta.
func (o Origin) remap(raw []byte, fields map[string]bool) ([]byte, *Reject) {
	if len(o.Mapping) == 0 && o.Source == "" {
		return raw, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, &Reject{Code: CodeBadJSON, Message: fmt.Sprintf("record is not a JSON object: %v", err)}
	}
	out := make(map[string]json.RawMessage, len(obj))
	var extra map[string]json.RawMessage
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		name := k
		if to, ok := o.Mapping[k]; ok {
			name = to
		}
		switch {
		case !fields[name]:
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[k] = v
		case out[name] != nil:
			return nil, &Reject{Code: CodeBadField, Field: name,
				Message: fmt.Sprintf("field %q is given twice (field %q maps to it)", name, k)}
		default:
			out[name] = v
		}
	}
	if extra != nil {
		meta := map[string]json.RawMessage{}
		if m := out["meta"]; len(m) > 0 && !bytes.Equal(m, []byte("null")) {
			if err := json.Unmarshal(m, &meta); err != nil {
				return nil, &Reject{Code: CodeBadField, Field: "meta", Message: "field \"meta\" must be a JSON object"}
			}
		}
		maps.Copy(meta, extra)
		m, _ := json.Marshal(meta)
		out["meta"] = m
	}
	if o.Source != "" && out["source"] == nil && fields["source"] {
		s, _ := json.Marshal(o.Source)
		out["source"] = s
	}
	if o.Kind != "" && o.Kind != KindSMS && out["kind"] == nil {
		k, _ := json.Marshal(o.Kind)
		out["kind"] = k
	}
	res, err := json.Marshal(out)
	if err != nil {
		return nil, &Reject{Code: CodeBadJSON, Message: err.Error()}
	}
	return res, nil
}

// Apply sets what the origin adds to a Post: its region when it has
// none, and the labels in meta. Applying it twice changes nothing.
func (o Origin) Apply(p *Post) {
	if p.Kind == KindSMS && o.Source != "" && p.Source == "sms" {
		p.Source = o.Source
	}
	if p.Region == "" {
		p.Region = o.Region
	}
	if len(o.Labels) > 0 {
		meta := map[string]json.RawMessage{}
		if len(p.Meta) > 0 && p.Meta[0] == '{' {
			_ = json.Unmarshal(p.Meta, &meta)
		}
		l, _ := json.Marshal(o.Labels)
		meta["labels"] = l
		p.Meta, _ = json.Marshal(meta)
	}
}

// PostID returns the id of a Post a collector built itself (rss, web):
// from source and url when there is a url, else from the content and
// published_at, so that an item read twice gets the same id.
func PostID(p Post) string {
	published := ""
	if !p.PublishedAt.IsZero() {
		published = p.PublishedAt.Format(time.RFC3339Nano)
	}
	return deriveID(&p, published)
}

// fieldSet returns the JSON names of v's fields.
func fieldSet(v any) map[string]bool {
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// Check applies the rules every Post must meet (text present and within
// lim, a known kind, a sane id, meta an object), whatever it came from.
func Check(p *Post, lim Limits) *Reject { return checkPost(p, lim) }
