package model

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// Feature namespaces: the first byte hashed with a feature's text, so the
// word 诈骗 and the character bigram 诈骗 are different features.
const (
	nsWord   byte = 'w'
	nsBigram byte = 'b'
)

// feature is one occurrence of a feature in an Input. For a bigram,
// start/end are its byte offsets in Input.Text; for a word they are -1
// (a word's offset is looked up only when it becomes evidence).
type feature struct {
	key        uint64
	ns         byte
	start, end int32
	word       int32 // index into Input.Words for a word, -1 for a bigram
}

// hashFeature is 64-bit FNV-1a over the namespace byte and s (0, which
// marks an empty slot in the lookup table, becomes 1). With 64 bits
// collisions among the few hundred thousand features of a model are
// negligible (p ≈ n²/2⁶⁵), so the hash is the feature's identity. The
// hash is part of the model file format: changing it needs a new
// FormatVersion.
func hashFeature(ns byte, s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	h ^= uint64(ns)
	h *= prime
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	if h == 0 {
		return 1
	}
	return h
}

// extract appends the features of in to buf: every word of in.Words, and
// every pair of adjacent letter-or-digit runes of in.Text (white space
// and punctuation break a run, so no bigram spans them).
func extract(in classify.Input, buf []feature) []feature {
	for i, w := range in.Words {
		buf = append(buf, feature{key: hashFeature(nsWord, w), ns: nsWord, start: -1, end: -1, word: int32(i)})
	}
	text := in.Text
	prev, prevOK := 0, false
	for i := 0; i < len(text); {
		r, size := decodeRune(text, i)
		ok := bigramRune(r)
		if ok && prevOK {
			buf = append(buf, feature{key: hashFeature(nsBigram, text[prev:i+size]), ns: nsBigram,
				start: int32(prev), end: int32(i + size), word: -1})
		}
		prev, prevOK = i, ok
		i += size
	}
	return buf
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with a fast path for the
// three-byte sequences of CJK ideographs, most of the text it sees.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c >= 0xe4 && c <= 0xe9 && i+2 < len(s) {
		c1, c2 := s[i+1], s[i+2]
		if c1&0xc0 == 0x80 && c2&0xc0 == 0x80 {
			return rune(c&0x0f)<<12 | rune(c1&0x3f)<<6 | rune(c2&0x3f), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// bigramRune reports whether r takes part in character bigrams.
func bigramRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	if 0x4e00 <= r && r <= 0x9fff { // CJK unified ideographs, the common case
		return true
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// featureText is the text of f in in: the word or the bigram.
func featureText(in classify.Input, f feature) string {
	if f.ns == nsWord {
		return in.Words[f.word]
	}
	return in.Text[f.start:f.end]
}
