package web

import (
	"encoding/json"

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
	return collect.DecodeCursor(b, cursorVersion, cursor{V: cursorVersion})
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
