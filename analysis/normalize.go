package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Normalized is text prepared for segmentation together with the way back
// to the original: Offsets[i] is the byte offset in the original text of
// byte i of Text, and Offsets[len(Text)] is the length of the original.
type Normalized struct {
	Text    string
	Offsets []int
	orig    string
}

// Orig maps the byte range [start, end) of the normalised text back to the
// smallest byte range of the original text that produced it.
func (n Normalized) Orig(start, end int) (int, int) {
	if end <= start {
		return n.Offsets[start], n.Offsets[start]
	}
	last := n.Offsets[end-1]
	_, size := utf8.DecodeRuneInString(n.orig[last:])
	return n.Offsets[start], last + size
}

// Normalize folds full-width forms to half-width (Ａ１！ → A1!, the
// ideographic space to a space), lowercases letters, turns control
// characters into spaces and folds runs of white space into one space.
// Invalid UTF-8 bytes become spaces. The result keeps a byte-offset map to
// the original so tokens can be highlighted in the text the user sent.
func Normalize(s string) Normalized {
	var b strings.Builder
	b.Grow(len(s))
	offs := make([]int, 0, len(s)+1)
	lastSpace := true // drop leading space
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		r = foldRune(r, size)
		if r == ' ' {
			if lastSpace {
				i += size
				continue
			}
			lastSpace = true
		} else {
			lastSpace = false
		}
		n := b.Len()
		b.WriteRune(r)
		for j := n; j < b.Len(); j++ {
			offs = append(offs, i)
		}
		i += size
	}
	text := b.String()
	if strings.HasSuffix(text, " ") {
		text = text[:len(text)-1]
		offs = offs[:len(offs)-1]
	}
	offs = append(offs, len(s))
	return Normalized{Text: text, Offsets: offs, orig: s}
}

func foldRune(r rune, size int) rune {
	if r == utf8.RuneError && size <= 1 {
		return ' '
	}
	if unicode.IsSpace(r) || unicode.IsControl(r) {
		return ' '
	}
	if p := width.LookupRune(r); p.Kind() == width.EastAsianFullwidth {
		if n := p.Narrow(); n != 0 {
			r = n
		}
	}
	return unicode.ToLower(r)
}
