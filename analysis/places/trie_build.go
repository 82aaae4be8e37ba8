package places

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// trieBuilder collects keys in a pointer tree and freezes it into a trie.
type trieBuilder struct {
	root *bnode
}

type bnode struct {
	kids    map[rune]*bnode
	entries []entry
}

func newTrieBuilder() *trieBuilder { return &trieBuilder{root: &bnode{}} }

// add records that key reads as e. A division already on the key keeps the
// more permissive of its two kinds (full before short before after-parent).
func (b *trieBuilder) add(key string, e entry) error {
	if utf8.RuneCountInString(key) > maxKey {
		return fmt.Errorf("key %q is longer than %d runes", key, maxKey)
	}
	n := b.root
	for _, r := range key {
		if r < cjkLo || r > cjkHi {
			return fmt.Errorf("key %q has %q outside the CJK Unified block", key, r)
		}
		if n.kids == nil {
			n.kids = map[rune]*bnode{}
		}
		k := n.kids[r]
		if k == nil {
			k = &bnode{}
			n.kids[r] = k
		}
		n = k
	}
	for i, old := range n.entries {
		if old.div == e.div {
			n.entries[i].kind = min(old.kind, e.kind)
			return nil
		}
	}
	n.entries = append(n.entries, e)
	return nil
}

// freeze lays the tree out breadth first: node 0 is the root.
func (b *trieBuilder) freeze() *trie {
	t := &trie{root: make([]int32, cjkHi-cjkLo+1)}
	queue := []*bnode{b.root}
	t.nodes = append(t.nodes, tnode{})
	for i := 0; i < len(queue); i++ {
		n := queue[i]
		nd := &t.nodes[i]
		nd.v0 = int32(len(t.entries))
		t.entries = append(t.entries, n.entries...)
		nd.v1 = int32(len(t.entries))
		runes := make([]rune, 0, len(n.kids))
		for r := range n.kids {
			runes = append(runes, r)
		}
		slices.Sort(runes)
		nd.e0 = int32(len(t.edges))
		for _, r := range runes {
			to := int32(len(queue))
			queue = append(queue, n.kids[r])
			t.nodes = append(t.nodes, tnode{})
			nd = &t.nodes[i] // append may have moved it
			t.edges = append(t.edges, tedge{r: r, to: to})
			if i == 0 {
				t.root[r-cjkLo] = to
			}
		}
		nd.e1 = int32(len(t.edges))
	}
	return t
}
