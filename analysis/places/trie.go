package places

// kind says when an entry of the trie may fire.
type kind uint8

const (
	// kindFull is an official name (浙江省, 杭州市, 西湖区) or a form with an
	// administrative suffix (恩施州, 长阳县); it fires anywhere.
	kindFull kind = iota
	// kindShort is a province or prefecture name without its suffix (浙江,
	// 杭州, 延边); it fires anywhere except right before 路, 街, 岸, ….
	kindShort
	// kindAfterParent fires only right after a mention of an ancestor: county
	// short forms (杭州西湖), prefecture short forms that are common words
	// (广东中山) and one-character county names (马鞍山和县).
	kindAfterParent
	// kindBlock is a word that contains a place name but is not one
	// (大同小异, 三明治); it consumes its span and yields nothing.
	kindBlock
)

// entry is one reading of a key: a division (index into Gazetteer.divs) and
// when it may fire. Blocks have div -1.
type entry struct {
	div  int32
	kind kind
}

const (
	cjkLo  = 0x4E00 // every name and block word is in the CJK Unified block
	cjkHi  = 0x9FFF
	maxKey = 16 // longest key in runes; longer matches are not looked for
)

// trie is a read-only rune trie over place names. The root has a dense
// table over the CJK Unified block, so a rune that starts no name costs one
// array load; deeper nodes keep their few edges sorted by rune. It is
// written here rather than taken from a library because it is small, works
// on runes with byte offsets and is safe for concurrent reads.
type trie struct {
	root    []int32 // rune-cjkLo → node; 0 = none (node 0 is the root)
	nodes   []tnode
	edges   []tedge
	entries []entry
}

type tnode struct {
	e0, e1 int32 // edges[e0:e1], sorted by rune
	v0, v1 int32 // entries[v0:v1]
}

type tedge struct {
	r  rune
	to int32
}

// match is a key found in the text: text[start:end] and its entries.
type match struct {
	end    int
	v0, v1 int32
}

// walk appends to ms the keys that start at byte i of text, shortest first.
func (t *trie) walk(text string, i int, ms []match) []match {
	r, ok := cjkAt(text, i)
	if !ok {
		return ms
	}
	n := t.root[r-cjkLo]
	for depth := 0; n != 0 && depth < maxKey; depth++ {
		i += 3
		if nd := &t.nodes[n]; nd.v1 > nd.v0 {
			ms = append(ms, match{end: i, v0: nd.v0, v1: nd.v1})
		}
		if r, ok = cjkAt(text, i); !ok {
			break
		}
		n = t.child(n, r)
	}
	return ms
}

// cjkAt decodes the rune at byte i of text if it is a well-formed character
// of the CJK Unified block (U+4E00–U+9FFF: three bytes, lead byte E4–E9),
// the only runes keys have. Continuation bytes are never lead bytes, so a
// scan that tries every byte never starts inside a character.
func cjkAt(text string, i int) (rune, bool) {
	if i+2 >= len(text) {
		return 0, false
	}
	b0, b1, b2 := text[i], text[i+1], text[i+2]
	if b0 < 0xE4 || b0 > 0xE9 || b1&0xC0 != 0x80 || b2&0xC0 != 0x80 {
		return 0, false
	}
	r := rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F)
	return r, r >= cjkLo // E4 also leads U+4000–U+4DFF
}

func (t *trie) child(n int32, r rune) int32 {
	nd := &t.nodes[n]
	es := t.edges[nd.e0:nd.e1]
	if len(es) <= 8 {
		for _, e := range es {
			if e.r == r {
				return e.to
			}
		}
		return 0
	}
	lo, hi := 0, len(es)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if es[m].r < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(es) && es[lo].r == r {
		return es[lo].to
	}
	return 0
}
