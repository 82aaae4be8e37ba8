package cluster

import "strconv"

// maxBands is the most bands the index splits a hash into. Four bands of
// 16 bits guarantee finding every earlier document within distance 3; more
// bands would be narrower, and a band value shared by more clusters than a
// band key holds (maxEntries) loses the oldest of them.
const maxBands = 4

// layout splits a 64-bit hash into min(maxDistance+1, maxBands) bands of
// nearly equal width (the first 64 mod n bands are one bit wider). Two
// hashes that differ in at most n-1 bits cannot differ in every one of n
// disjoint bands (pigeonhole), so they share at least one band value
// exactly: looking a document up under each of its band values finds every
// earlier document within distance n-1. For MaxDistance above 3 the four
// bands still find a document at distance d whenever one band has none of
// the d differing bits: with the bits spread at random, probability 0.90
// for d=4, 0.74 for d=5, 0.59 for d=6, 0.44 for d=7, 0.33 for d=8 and
// 0.17 for d=10.
type layout struct {
	shift []uint8
	width []uint8
}

func newLayout(maxDistance int) layout {
	n := min(maxDistance+1, maxBands)
	l := layout{shift: make([]uint8, n), width: make([]uint8, n)}
	off := 0
	for i := range n {
		w := 64 / n
		if i < 64%n {
			w++
		}
		l.shift[i], l.width[i] = uint8(off), uint8(w)
		off += w
	}
	return l
}

// bands returns the number of bands.
func (l layout) bands() int { return len(l.width) }

// value returns band i of h.
func (l layout) value(h uint64, i int) uint64 {
	v := h >> l.shift[i]
	if l.width[i] < 64 {
		v &= 1<<l.width[i] - 1
	}
	return v
}

// keys returns the store key of each band value of h:
// prefix + "b" + bands + "." + i + ":" + hex value. The band count is part
// of the key so Assigners with different band layouts never read each
// other's values as their own.
func (l layout) keys(prefix string, h uint64) []string {
	keys := make([]string, l.bands())
	buf := make([]byte, 0, len(prefix)+24)
	for i := range keys {
		buf = append(buf[:0], prefix...)
		buf = append(buf, 'b')
		buf = strconv.AppendInt(buf, int64(l.bands()), 10)
		buf = append(buf, '.')
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ':')
		buf = strconv.AppendUint(buf, l.value(h, i), 16)
		keys[i] = string(buf)
	}
	return keys
}
