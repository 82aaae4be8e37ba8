package simhash

import "math/bits"

// FNV-1a 64-bit parameters (http://www.isthe.com/chongo/tech/comp/fnv/).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

const (
	// fullWeight is the weight of a feature near the start of the text;
	// weights are small integers so Of is exact integer arithmetic.
	fullWeight = 10
	// flatBelow is the feature count under which every feature weighs
	// fullWeight: in a text of a few words the first would otherwise decide
	// every bit on its own.
	flatBelow = 5
	// laneMax is what one 8-bit counter lane can hold.
	laneMax = 255
	// pairMul combines the hashes of two adjacent features (the 64-bit
	// golden ratio, an odd constant).
	pairMul = 0x9e3779b97f4a7c15
)

// Of returns the 64-bit SimHash of a document given its features in text
// order. The analysis stage passes the normalised words of the text with
// repost decoration removed (see Decoration); callers may pass shingles.
// Of hashes every feature and every pair of adjacent features (word
// bigrams), and a repeated feature counts once per occurrence
// (term-frequency weighting).
//
// Hashes: a feature's is FNV-1a 64 of its UTF-8 bytes followed by
// MurmurHash3's fmix64 finaliser; a pair's is fmix64(h₁·0x9e3779b97f4a7c15 +
// h₂). Both are written out in this package, so equal inputs give equal
// results on every machine and Go version. Bit j of the result is set when
// the weight of the hashes with bit j set exceeds that of the hashes with it
// clear (ties give 0).
//
// Weights fall with the position of a feature (a pair takes its first
// word's): 10 in the first fifth of the text, then linearly down to 1 at the
// end, so that a repost cut to 80–90% of the text, or with a few words
// changed near its end, stays within a few bits of the original; with fewer
// than 5 features all weigh 10.
//
// Of(nil) is 0; package cluster never clusters hash 0, and a document with
// features hashes to 0 with probability 2⁻⁶⁴. Of does not allocate.
func Of(features []string) uint64 {
	n := len(features)
	if n == 0 {
		return 0
	}
	var c counter
	prev := featureHash(features[0])
	for i := 1; i <= n; i++ {
		w := weight(i-1, n)
		c.add(prev, w)
		if i == n {
			break
		}
		h := featureHash(features[i])
		c.add(fmix64(prev*pairMul+h), w)
		prev = h
	}
	return c.sum()
}

// Distance returns the Hamming distance between two hashes: the number of
// bits in which they differ, 0 to 64.
func Distance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}

// featureHash is fmix64 of FNV-1a 64 of s. FNV-1a alone leaves whole bit
// ranges biased for short strings of similar length, which is what Chinese
// words are (two characters, six bytes): on 27k real texts bits 26–39 of the
// SimHash were set in 9–92% of documents instead of about half, which also
// crowded the cluster index's band keys. The finaliser spreads every input
// bit over the whole word.
func featureHash(s string) uint64 {
	return fmix64(fnv1a(s))
}

// fnv1a is FNV-1a 64 of s.
func fnv1a(s string) uint64 {
	h := uint64(fnvOffset64)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// fmix64 is MurmurHash3's 64-bit finaliser.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// weight is the weight of feature i of n: fullWeight up to a fifth of the
// text, then 12.5·(1−x) for x = (i+½)/n its relative position, rounded and
// at least 1.
func weight(i, n int) uint32 {
	if n < flatBelow || 5*(2*i+1) < 2*n {
		return fullWeight
	}
	w := (50*n - 25*(2*i+1) + 2*n) / (4 * n)
	return uint32(max(1, w))
}

// counter sums hash bits weighted: acc[p] holds eight 8-bit lanes, lane k
// for bit 8p+k, flushed into sums before a lane can overflow.
type counter struct {
	acc     [8]uint64
	sums    [64]uint32
	total   uint32
	pending uint32
}

// add counts hash h with weight w (w ≤ fullWeight).
func (c *counter) add(h uint64, w uint32) {
	if c.pending+w > laneMax {
		c.flush()
	}
	c.pending += w
	c.total += w
	for p := range c.acc {
		c.acc[p] += spread[byte(h>>(8*p))] * uint64(w)
	}
}

// flush moves the lane counts into sums.
func (c *counter) flush() {
	for p, a := range c.acc {
		for k := 0; k < 8; k++ {
			c.sums[8*p+k] += uint32(a >> (8 * k) & 0xff)
		}
		c.acc[p] = 0
	}
	c.pending = 0
}

// sum returns the SimHash of what was added.
func (c *counter) sum() uint64 {
	c.flush()
	var out uint64
	for j, s := range c.sums {
		if 2*s > c.total {
			out |= 1 << j
		}
	}
	return out
}

// spread[b] has byte lane k set to bit k of b, so adding spread[b]·w to a
// lane accumulator adds w to the count of every set bit of b.
var spread = func() (t [256]uint64) {
	for b := range t {
		for k := 0; k < 8; k++ {
			t[b] |= uint64(b>>k&1) << (8 * k)
		}
	}
	return t
}()
