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

// feature is one occurrence of a feature in an Input. For a bigram, a
// and b are its byte offsets in Input.Text; for a word, a is its index in
// Input.Words and b is -1 (a word's offset is looked up only when it
// becomes evidence).
type feature struct {
	key  uint64
	a, b int32
}

func (f feature) isWord() bool { return f.b < 0 }

// hashFeature hashes the namespace byte and s to 64 bits: s is read 8
// bytes at a time (shorter tails with overlapping loads, as wyhash does),
// each word folded in with a multiply, the result finished with
// MurmurHash3's fmix64. With 64 bits collisions among the few hundred
// thousand features of a model are negligible (p ≈ n²/2⁶⁵), so the hash
// is the feature's identity. The hash is part of the model file format:
// changing it needs a new FormatVersion.
func hashFeature(ns byte, s string) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := (uint64(ns)<<56 | uint64(len(s))) * m
	for ; len(s) >= 8; s = s[8:] {
		h = (h ^ le64(s)) * m
		h ^= h >> 29
	}
	var v uint64
	switch n := len(s); {
	case n >= 4:
		v = uint64(le32(s)) | uint64(le32(s[n-4:]))<<32
	case n > 0:
		v = uint64(s[0])<<16 | uint64(s[n/2])<<8 | uint64(s[n-1])
	}
	h = (h ^ v) * m
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// extract appends the features of in to buf: every word of in.Words, and
// every pair of adjacent letter-or-digit runes of in.Text (white space
// and punctuation break a run, so no bigram spans them).
func extract(in classify.Input, buf []feature) []feature {
	for i, w := range in.Words {
		buf = append(buf, feature{key: hashFeature(nsWord, w), a: int32(i), b: -1})
	}
	text := in.Text
	prev, prevOK := 0, false
	for i := 0; i < len(text); {
		r, size := decodeRune(text, i)
		ok := bigramRune(r)
		if ok && prevOK {
			buf = append(buf, feature{key: hashFeature(nsBigram, text[prev:i+size]), a: int32(prev), b: int32(i + size)})
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
	if f.isWord() {
		return in.Words[f.a]
	}
	return in.Text[f.a:f.b]
}
