package places

import (
	"fmt"
	"sync"
)

// Gazetteer finds Chinese administrative divisions in text. It is read-only
// after construction and safe for concurrent use.
type Gazetteer struct {
	divs []division
	t    *trie
}

var (
	defaultOnce sync.Once
	defaultG    *Gazetteer
)

// Default returns the Gazetteer built from the embedded GB/T 2260 table. It
// is built on first use (a few milliseconds) and shared afterwards. It
// panics only if the embedded table is malformed, which the package tests
// rule out.
func Default() *Gazetteer {
	defaultOnce.Do(func() {
		g, err := newGazetteer(divisionsTSV)
		if err != nil {
			panic(err)
		}
		defaultG = g
	})
	return defaultG
}

// newGazetteer builds a Gazetteer from a `code<TAB>name` table.
func newGazetteer(tsv string) (*Gazetteer, error) {
	divs, err := parseDivisions(tsv)
	if err != nil {
		return nil, err
	}
	provShort := map[string]bool{}
	for i, d := range divs {
		if d.level == levelProvince {
			for _, a := range aliases(divs, int32(i), nil)[1:] {
				provShort[a.key] = true
			}
		}
	}
	b := newTrieBuilder()
	for i := range divs {
		for _, a := range aliases(divs, int32(i), provShort) {
			if err := b.add(a.key, entry{div: int32(i), kind: a.kind}); err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrData, divs[i].code, err)
			}
		}
	}
	for _, w := range blocked {
		if err := b.add(w, entry{div: -1, kind: kindBlock}); err != nil {
			return nil, err
		}
	}
	return &Gazetteer{divs: divs, t: b.freeze()}, nil
}
