package ingest

import (
	"encoding/json"
	"time"
)

// postIn is the wire form of a Post: times as strings so a bad one is
// reported with its field instead of failing the whole record opaquely.
type postIn struct {
	ID          string          `json:"id"`
	Source      string          `json:"source"`
	Kind        string          `json:"kind"`
	Title       string          `json:"title"`
	Text        string          `json:"text"`
	URL         string          `json:"url"`
	Author      string          `json:"author"`
	PublishedAt string          `json:"published_at"`
	Region      string          `json:"region"`
	Lang        string          `json:"lang"`
	Meta        json.RawMessage `json:"meta"`
}

type smsIn struct {
	ID         string          `json:"id"`
	Sender     string          `json:"sender"`
	Receiver   string          `json:"receiver"`
	Text       string          `json:"text"`
	ReceivedAt string          `json:"received_at"`
	Gateway    string          `json:"gateway"`
	Meta       json.RawMessage `json:"meta"`
}

// DefaultSource is the source of posts that name none.
const DefaultSource = "api"

// ParsePosts parses a body of Posts (a JSON array or NDJSON). now is the
// receipt time: it becomes IngestedAt, and PublishedAt when absent.
func ParsePosts(body []byte, now time.Time, lim Limits) Batch {
	return parseAll(body, lim, func(raw []byte) (Post, *Reject) { return decodePost(raw, now) })
}

// decodePost decodes and completes one Post record.
func decodePost(raw []byte, now time.Time) (Post, *Reject) {
	var in postIn
	if rej := decodeStrict(raw, &in); rej != nil {
		return Post{ID: in.ID}, rej
	}
	p := Post{ID: in.ID, Source: in.Source, Kind: in.Kind, Title: in.Title, Text: in.Text,
		URL: in.URL, Author: in.Author, Region: in.Region, Lang: in.Lang, Meta: in.Meta, IngestedAt: now}
	var rej *Reject
	if p.PublishedAt, rej = parseTime("published_at", in.PublishedAt, now); rej != nil {
		return p, rej
	}
	if p.Source == "" {
		p.Source = DefaultSource
	}
	if p.Kind == "" {
		p.Kind = KindPost
	}
	if p.ID == "" {
		p.ID = deriveID(&p, in.PublishedAt)
	}
	return p, nil
}

// ParseSMS parses a body of SMS records (a JSON array or NDJSON) into
// Posts of kind "sms".
func ParseSMS(body []byte, now time.Time, lim Limits) Batch {
	return parseAll(body, lim, func(raw []byte) (Post, *Reject) { return decodeSMS(raw, now) })
}

// decodeSMS decodes one SMS record into a Post of kind "sms".
func decodeSMS(raw []byte, now time.Time) (Post, *Reject) {
	var in smsIn
	if rej := decodeStrict(raw, &in); rej != nil {
		return Post{ID: in.ID}, rej
	}
	if len(in.Meta) > 0 && in.Meta[0] != '{' && string(in.Meta) != "null" {
		return Post{ID: in.ID}, &Reject{Code: CodeBadField, Field: "meta", Message: "field \"meta\" must be a JSON object"}
	}
	s := SMS{ID: in.ID, Sender: in.Sender, Receiver: in.Receiver, Text: in.Text, Gateway: in.Gateway, Meta: in.Meta}
	var rej *Reject
	if s.ReceivedAt, rej = parseTime("received_at", in.ReceivedAt, now); rej != nil {
		return Post{ID: in.ID}, rej
	}
	p := s.ToPost(now)
	if p.ID == "" {
		p.ID = hashID("s", s.Gateway, s.Sender, s.Receiver, in.ReceivedAt, s.Text)
	}
	return p, nil
}

// ToPost turns an SMS into a Post of kind "sms" from source "sms" (or
// "sms:GATEWAY"). Sender and receiver move into meta, beside the SMS's own
// meta object (under "extra"), so nothing the gateway sent is dropped.
func (s SMS) ToPost(now time.Time) Post {
	src := "sms"
	if s.Gateway != "" {
		src = "sms:" + s.Gateway
	}
	meta, _ := json.Marshal(struct {
		Sender   string          `json:"sender,omitempty"`
		Receiver string          `json:"receiver,omitempty"`
		Gateway  string          `json:"gateway,omitempty"`
		Extra    json.RawMessage `json:"extra,omitempty"`
	}{s.Sender, s.Receiver, s.Gateway, s.Meta})
	return Post{ID: s.ID, Source: src, Kind: KindSMS, Text: s.Text, Author: s.Sender,
		PublishedAt: s.ReceivedAt, Meta: meta, IngestedAt: now}
}
