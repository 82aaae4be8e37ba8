package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Kinds of Post.
const (
	KindPost    = "post"
	KindComment = "comment"
	KindArticle = "article"
	KindSMS     = "sms"
)

// Post is one collected item: a web post, comment, article or SMS. Field
// names are part of the public API.
type Post struct {
	ID          string          `json:"id"`
	Source      string          `json:"source"`
	Kind        string          `json:"kind"`
	Title       string          `json:"title,omitempty"`
	Text        string          `json:"text"`
	URL         string          `json:"url,omitempty"`
	Author      string          `json:"author,omitempty"`
	PublishedAt time.Time       `json:"published_at"`
	Region      string          `json:"region,omitempty"`
	Lang        string          `json:"lang,omitempty"`
	Meta        json.RawMessage `json:"meta,omitempty"`
	// IngestedAt is when yuqing accepted the record.
	IngestedAt time.Time `json:"ingested_at,omitzero"`
}

// SMS is a short message pushed by an SMS gateway. It becomes a Post of
// kind "sms" (see ToPost).
type SMS struct {
	ID         string          `json:"id"`
	Sender     string          `json:"sender"`
	Receiver   string          `json:"receiver"`
	Text       string          `json:"text"`
	ReceivedAt time.Time       `json:"received_at"`
	Gateway    string          `json:"gateway"`
	Meta       json.RawMessage `json:"meta"`
}

// hashID is the id scheme for records that come without one: a prefix
// saying how it was derived and 128 bits of SHA-256 over the parts.
func hashID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil)[:16])
}

// deriveID returns the id of a post that came without one: from source and
// url when there is a url, else from the content. publishedAt is the
// time the sender gave, or "" when it defaulted to the receipt time (which
// differs between two sends of the same record).
func deriveID(p *Post, publishedAt string) string {
	if p.URL != "" {
		return hashID("u", p.Source, p.URL)
	}
	return hashID("h", p.Source, p.Kind, p.Author, p.Title, p.Text, publishedAt)
}
