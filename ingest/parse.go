package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reject codes are stable: clients and dashboards match on them.
const (
	CodeBadJSON        = "bad_json"
	CodeInvalidUTF8    = "invalid_utf8"
	CodeUnknownField   = "unknown_field"
	CodeBadField       = "bad_field"
	CodeMissingText    = "missing_text"
	CodeBadTime        = "bad_time"
	CodeOversize       = "oversize"
	CodeBadKind        = "bad_kind"
	CodeBadID          = "bad_id"
	CodeTooManyRecords = "too_many_records"
)

// Limits bound what one request may carry.
type Limits struct {
	// MaxTextBytes bounds len(title)+len(text) of one record.
	MaxTextBytes int
	// MaxRecords bounds the records of one request; the rest are rejected.
	MaxRecords int
}

// DefaultLimits are the limits used when the config sets none.
func DefaultLimits() Limits {
	return Limits{MaxTextBytes: 64 << 10, MaxRecords: 10000}
}

// Reject says why one record was not accepted.
type Reject struct {
	// Index is the record's 0-based position in the request.
	Index int `json:"index"`
	// Line is the 1-based line of an NDJSON record.
	Line    int    `json:"line,omitempty"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Batch is the outcome of parsing one request body.
type Batch struct {
	Posts   []Post
	Rejects []Reject
}

// record is one element of a request body before decoding.
type record struct {
	index, line int
	raw         []byte
}

// splitRecords finds the records of a body that is either a JSON array or
// NDJSON (one JSON object a line). A syntax error in an array stops the
// split: what follows cannot be delimited, so it is rejected as a whole
// and the records before it stand.
func splitRecords(body []byte) ([]record, *Reject) {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return splitArray(trimmed)
	}
	var recs []record
	for line, rest := 1, body; len(rest) > 0; line++ {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte{'\n'})
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		recs = append(recs, record{index: len(recs), line: line, raw: l})
	}
	return recs, nil
}

func splitArray(body []byte) ([]record, *Reject) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return nil, &Reject{Code: CodeBadJSON, Message: fmt.Sprintf("reading array start: %v", err)}
	}
	var recs []record
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return recs, &Reject{Index: len(recs), Code: CodeBadJSON,
				Message: fmt.Sprintf("record %d and everything after it: invalid JSON near byte %d: %v", len(recs), dec.InputOffset(), err)}
		}
		recs = append(recs, record{index: len(recs), raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return recs, &Reject{Index: len(recs), Code: CodeBadJSON, Message: fmt.Sprintf("array not closed: %v", err)}
	}
	return recs, nil
}

// parseAll splits body and runs decode on every record, collecting posts
// and rejects in record order.
func parseAll(body []byte, lim Limits, decode func(raw []byte) (Post, *Reject)) Batch {
	recs, tail := splitRecords(body)
	var b Batch
	for _, r := range recs {
		if lim.MaxRecords > 0 && r.index >= lim.MaxRecords {
			b.Rejects = append(b.Rejects, Reject{Index: r.index, Line: r.line, Code: CodeTooManyRecords,
				Message: fmt.Sprintf("a request may carry at most %d records", lim.MaxRecords)})
			continue
		}
		var p Post
		var rej *Reject
		if !utf8.Valid(r.raw) {
			rej = &Reject{Code: CodeInvalidUTF8, Message: "record is not valid UTF-8 (declare charset=gbk for GBK bodies)"}
		} else {
			p, rej = decode(r.raw)
		}
		if rej == nil {
			rej = checkPost(&p, lim)
		}
		if rej != nil {
			rej.Index, rej.Line = r.index, r.line
			if rej.ID == "" {
				rej.ID = p.ID
			}
			b.Rejects = append(b.Rejects, *rej)
			continue
		}
		b.Posts = append(b.Posts, p)
	}
	if tail != nil {
		b.Rejects = append(b.Rejects, *tail)
	}
	return b
}

// decodeStrict decodes one JSON object into v, refusing unknown fields,
// and maps decoding errors to a Reject naming the field.
func decodeStrict(raw []byte, v any) *Reject {
	if len(raw) == 0 || raw[0] != '{' {
		return &Reject{Code: CodeBadJSON, Message: "record is not a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &Reject{Code: CodeBadField, Field: te.Field,
			Message: fmt.Sprintf("field %q must be %s, not %s", te.Field, te.Type, te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &Reject{Code: CodeUnknownField, Field: name, Message: fmt.Sprintf("unknown field %q", name)}
	}
	return &Reject{Code: CodeBadJSON, Message: fmt.Sprintf("invalid JSON: %v", err)}
}

// parseTime parses an RFC 3339 time; "" yields def.
func parseTime(field, s string, def time.Time) (time.Time, *Reject) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &Reject{Code: CodeBadTime, Field: field,
			Message: fmt.Sprintf("field %q: %q is not an RFC 3339 time such as 2026-11-25T08:30:00+08:00", field, s)}
	}
	return t, nil
}

// checkPost applies the rules every Post must meet, whatever it came from.
func checkPost(p *Post, lim Limits) *Reject {
	if strings.TrimSpace(p.Text) == "" {
		return &Reject{Code: CodeMissingText, Field: "text", Message: "field \"text\" is required and must not be blank"}
	}
	if n := len(p.Text) + len(p.Title); lim.MaxTextBytes > 0 && n > lim.MaxTextBytes {
		return &Reject{Code: CodeOversize, Field: "text",
			Message: fmt.Sprintf("title and text are %d bytes; the limit is %d", n, lim.MaxTextBytes)}
	}
	switch p.Kind {
	case KindPost, KindComment, KindArticle, KindSMS:
	default:
		return &Reject{Code: CodeBadKind, Field: "kind",
			Message: fmt.Sprintf("field \"kind\": %q is not one of post, comment, article, sms", p.Kind)}
	}
	if len(p.ID) > 256 || strings.IndexFunc(p.ID, unicode.IsControl) >= 0 {
		return &Reject{Code: CodeBadID, Field: "id", Message: "field \"id\" must be at most 256 bytes without control characters"}
	}
	if len(p.Meta) > 0 && !bytes.Equal(p.Meta, []byte("null")) && p.Meta[0] != '{' {
		return &Reject{Code: CodeBadField, Field: "meta", Message: "field \"meta\" must be a JSON object"}
	}
	return nil
}
