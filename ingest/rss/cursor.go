package rss

import (
	"encoding/json"
	"fmt"
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
	Seen []string `json:"seen"`
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

// add appends keys and trims Seen to maxKeys, dropping first the oldest
// keys that are no longer in the feed (current).
func (c *cursor) add(keys []string, current map[string]bool) {
	seen := append(append([]string(nil), c.Seen...), keys...)
	excess := len(seen) - maxKeys
	if excess > 0 {
		kept := seen[:0:0]
		for _, k := range seen {
			if excess > 0 && !current[k] {
				excess--
				continue
			}
			kept = append(kept, k)
		}
		seen = kept[max(0, len(kept)-maxKeys):]
	}
	c.Seen = seen
}
