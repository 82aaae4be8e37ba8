package rss

import (
	"encoding/json"

	"github.com/yuqing-dev/yuqing/ingest/collect"
)

// cursorVersion is the version of the cursor format.
const cursorVersion = 1

// maxKeys bounds the item keys a cursor remembers.
const maxKeys = 2000

// cursor is what a Source stores between Reads (as JSON).
type cursor struct {
	V int `json:"v"`
	// ETag and LastModified come from the last fetch that finished the
	// feed; a fetch whose items are still being emitted does not set them,
	// so a crash refetches the whole feed.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen are the keys of the items emitted (or rejected), oldest first.
	Seen collect.Seen `json:"seen"`
}

func decodeCursor(b []byte) (cursor, error) {
	return collect.DecodeCursor(b, cursorVersion, cursor{V: cursorVersion})
}

func (c cursor) encode() []byte {
	b, _ := json.Marshal(c)
	return b
}

// add remembers keys, keeping at most maxKeys (the ones still in the
// feed, current, are dropped last).
func (c *cursor) add(keys []string, current map[string]bool) {
	c.Seen = c.Seen.Add(keys, current, maxKeys)
}
