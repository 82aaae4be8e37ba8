package rss

import (
	"encoding/json"
	"fmt"

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
	if len(b) == 0 {
		return cursor{V: cursorVersion}, nil
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, fmt.Errorf("reading cursor: %w", err)
	}
	if c.V != cursorVersion {
		return cursor{}, fmt.Errorf("reading cursor: version %d is not %d", c.V, cursorVersion)
	}
	return c, nil
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
