package web

import (
	"encoding/json"
	"fmt"
)

const (
	cursorVersion = 1
	// maxSeen bounds the article URLs a cursor remembers.
	maxSeen = 5000
)

// cursor is what a Source stores between Reads (as JSON): the article
// URLs already emitted, rejected or permanently unfetchable, oldest first.
type cursor struct {
	V    int      `json:"v"`
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

// add appends urls and trims Seen to maxSeen, dropping first the oldest
// that were not on the list pages just read (listed).
func (c *cursor) add(urls []string, listed map[string]bool) {
	seen := append(append([]string(nil), c.Seen...), urls...)
	if excess := len(seen) - maxSeen; excess > 0 {
		kept := make([]string, 0, len(seen))
		for _, u := range seen {
			if excess > 0 && !listed[u] {
				excess--
				continue
			}
			kept = append(kept, u)
		}
		seen = kept[max(0, len(kept)-maxSeen):]
	}
	c.Seen = seen
}
