package analysis

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/width"
)

// Normalized is text prepared for analysis together with the way back to
// the original: Offsets[i] is the byte offset in the original text of byte
// i of Text, and Offsets[len(Text)] is the length of the original.
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
	if n.orig[last] == '&' { // an HTML entity: the whole entity produced it
		if semi := strings.IndexByte(n.orig[last:min(len(n.orig), last+12)], ';'); semi > 0 {
			size = semi + 1
		}
	}
	return n.Offsets[start], last + size
}

// Normalize prepares text for segmentation, matching and indexing:
//   - HTML tags are dropped (script and style with their content; block
//     tags such as <p> and <br> become a space) and entities decoded;
//   - full-width forms fold to half-width (Ａ１！ → A1!, the ideographic
//     space to a space) and letters to lower case;
//   - traditional Chinese is converted to simplified with OpenCC's t2s
//     tables (phrase-aware), so 發生火災 matches 发生火灾;
//   - emoji presentation selectors, zero-width joiners and skin-tone
//     modifiers are dropped (the emoji itself stays);
//   - control characters and invalid UTF-8 become spaces and runs of white
//     space fold into one space.
//
// The result keeps a byte-offset map to the original so tokens can be
// highlighted in the text the user sent. Normalize is safe for concurrent
// use; the first call loads the conversion tables (a few ms).
func Normalize(s string) Normalized {
	rs := make([]rune, 0, len(s)/2+8)
	offs := make([]int, 0, len(s)/2+8)
	trad := false
	lastSpace := true // drop leading space
	emit := func(r rune, at int) {
		if r == ' ' {
			if lastSpace {
				return
			}
			lastSpace = true
		} else {
			lastSpace = false
		}
		if !trad && r >= 0x3400 && isTraditional(r) {
			trad = true
		}
		rs = append(rs, r)
		offs = append(offs, at)
	}
	markup := strings.IndexByte(s, '<') >= 0 || strings.IndexByte(s, '&') >= 0
	for i := 0; i < len(s); {
		if markup {
			switch s[i] {
			case '<':
				if end, space, ok := skipTag(s, i); ok {
					if space {
						emit(' ', i)
					}
					i = end
					continue
				}
			case '&':
				if end, dec, ok := entity(s, i); ok {
					for _, r := range dec {
						if r = foldRune(r, 1); r >= 0 {
							emit(r, i)
						}
					}
					i = end
					continue
				}
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r = foldRune(r, size); r >= 0 {
			emit(r, i)
		}
		i += size
	}
	if n := len(rs); n > 0 && rs[n-1] == ' ' {
		rs, offs = rs[:n-1], offs[:n-1]
	}
	if trad {
		rs = toSimplified(rs)
	}
	var b strings.Builder
	b.Grow(len(rs) * 3)
	boffs := make([]int, 0, len(rs)*3+1)
	for i, r := range rs {
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			boffs = append(boffs, offs[i])
		}
	}
	boffs = append(boffs, len(s))
	return Normalized{Text: b.String(), Offsets: boffs, orig: s}
}

// foldRune maps one rune of the input to what analysis sees: -1 drops it.
func foldRune(r rune, size int) rune {
	if r == utf8.RuneError && size <= 1 {
		return ' '
	}
	switch {
	case r == 0xFE0E || r == 0xFE0F || r == 0x200D || r == 0x200B || r == 0xFEFF,
		r >= 0x1F3FB && r <= 0x1F3FF:
		return -1
	}
	if r < utf8.RuneSelf {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r < 0x20 || r == 0x7F:
			return ' '
		}
		return r
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

// blockTags become a space when dropped, so words either side stay apart.
var blockTags = map[string]bool{"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true,
	"tr": true, "td": true, "th": true, "table": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "section": true, "article": true, "blockquote": true, "hr": true, "title": true}

// skipTag recognises an HTML tag, comment or declaration at s[i] ('<')
// and returns where it ends and whether it separates words. <script> and
// <style> are skipped with their content. Text such as "价格<5元" is not
// a tag: a tag name must start with a letter and end at space, '/' or '>'.
func skipTag(s string, i int) (end int, space, ok bool) {
	rest := s[i+1:]
	if strings.HasPrefix(rest, "!--") {
		if j := strings.Index(rest[3:], "-->"); j >= 0 {
			return i + 1 + 3 + j + 3, false, true
		}
		return 0, false, false
	}
	j := 0
	if j < len(rest) && (rest[j] == '/' || rest[j] == '!' || rest[j] == '?') {
		j++
	}
	k := j
	for k < len(rest) && isASCIILetterDigit(rest[k]) {
		k++
	}
	if k == j || !isASCIILetter(rest[j]) || k >= len(rest) || (rest[k] != ' ' && rest[k] != '>' && rest[k] != '/' && rest[k] != '\n' && rest[k] != '\t') {
		return 0, false, false
	}
	name := strings.ToLower(rest[j:k])
	gt := strings.IndexByte(rest[k:], '>')
	if gt < 0 {
		return 0, false, false
	}
	end = i + 1 + k + gt + 1
	if rest[0] != '/' && (name == "script" || name == "style") {
		closeTag := "</" + name
		if c := indexFold(s[end:], closeTag); c >= 0 {
			if g := strings.IndexByte(s[end+c:], '>'); g >= 0 {
				return end + c + g + 1, true, true
			}
		}
		return len(s), true, true
	}
	return end, blockTags[name], true
}

// entity decodes an HTML character reference at s[i] ('&').
func entity(s string, i int) (end int, decoded string, ok bool) {
	semi := strings.IndexByte(s[i:min(len(s), i+12)], ';')
	if semi < 2 {
		return 0, "", false
	}
	ref := s[i : i+semi+1]
	dec := html.UnescapeString(ref)
	if dec == ref {
		return 0, "", false
	}
	return i + semi + 1, dec, true
}

func isASCIILetter(c byte) bool      { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isASCIILetterDigit(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' }

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// Traditional → simplified conversion. OpenCC's phrase-aware converter is
// run only on texts that contain a traditional character (most input is
// simplified already and the converter costs ~15 µs for 50 characters);
// tradChars, built once from OpenCC's own tables, answers that question
// in a lookup per rune and is the fallback when the phrase conversion
// changes the number of characters (offsets must stay aligned).
var (
	t2sOnce   sync.Once
	t2s       *opencc.OpenCC
	tradChars map[rune]rune
	tradBits  [0x10000 / 64]uint64 // BMP runes that are keys of tradChars
)

func loadT2S() {
	cc, err := opencc.New("t2s")
	if err != nil {
		// The tables are embedded in the library; failing here is a
		// build defect, not an input problem.
		panic("analysis: loading OpenCC t2s tables: " + err.Error())
	}
	m := make(map[rune]rune, 4096)
	for _, block := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}} {
		for r := block[0]; r <= block[1]; r++ {
			out, err := cc.Convert(string(r))
			if err != nil {
				continue
			}
			if s, size := utf8.DecodeRuneInString(out); size == len(out) && s != r {
				m[r] = s
			}
		}
	}
	for r := range m {
		tradBits[r/64] |= 1 << (r % 64)
	}
	t2s, tradChars = cc, m
}

func isTraditional(r rune) bool {
	t2sOnce.Do(loadT2S)
	return r < 0x10000 && tradBits[r/64]&(1<<(r%64)) != 0
}

// toSimplified converts rs in place when the phrase conversion keeps the
// character count, otherwise character by character.
func toSimplified(rs []rune) []rune {
	if out, err := t2s.Convert(string(rs)); err == nil {
		if conv := []rune(out); len(conv) == len(rs) {
			return conv
		}
	}
	for i, r := range rs {
		if s, ok := tradChars[r]; ok {
			rs[i] = s
		}
	}
	return rs
}
