package collect

import (
	"encoding/json"
	"fmt"
)

// Seen is the bounded memory of the item keys (GUIDs, article URLs) a
// polled source has already emitted, oldest first: it is kept in the
// source's cursor so that a feed or list page that keeps showing an item
// emits it once.
type Seen []string

// Add returns s with keys appended, trimmed to limit by dropping first
// the oldest keys that are not in current (the items the source still
// lists, which must stay remembered), then the oldest of the rest.
func (s Seen) Add(keys []string, current map[string]bool, limit int) Seen {
	out := append(append(Seen(nil), s...), keys...)
	excess := len(out) - limit
	if excess <= 0 {
		return out
	}
	kept := make(Seen, 0, len(out))
	for _, k := range out {
		if excess > 0 && !current[k] {
			excess--
			continue
		}
		kept = append(kept, k)
	}
	return kept[max(0, len(kept)-limit):]
}

// Set returns the keys as a set.
func (s Seen) Set() map[string]bool {
	m := make(map[string]bool, len(s))
	for _, k := range s {
		m[k] = true
	}
	return m
}

// DecodeCursor reads a source's JSON cursor whose "v" field must be
// version; an empty cursor (the first read ever) yields fresh.
func DecodeCursor[T any](b []byte, version int, fresh T) (T, error) {
	if len(b) == 0 {
		return fresh, nil
	}
	var head struct {
		V int `json:"v"`
	}
	var c T
	if err := json.Unmarshal(b, &head); err != nil {
		return c, fmt.Errorf("reading cursor: %w", err)
	}
	if head.V != version {
		return c, fmt.Errorf("reading cursor: version %d is not %d", head.V, version)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("reading cursor: %w", err)
	}
	return c, nil
}
