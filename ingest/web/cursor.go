package web

import (
	"encoding/json"
	"fmt"

	"github.com/yuqing-dev/yuqing/ingest/collect"
)

const (
	cursorVersion = 1
	// maxSeen bounds the article URLs a cursor remembers.
	maxSeen = 5000
)

// cursor is what a Source stores between Reads (as JSON): the article
// URLs already emitted, rejected or permanently unfetchable, oldest first.
type cursor struct {
	V    int          `json:"v"`
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

// add remembers urls, keeping at most maxSeen (the ones on the list
// pages just read, listed, are dropped last).
func (c *cursor) add(urls []string, listed map[string]bool) {
	c.Seen = c.Seen.Add(urls, listed, maxSeen)
}
