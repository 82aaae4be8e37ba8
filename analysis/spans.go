package analysis

import (
	"unicode"
	"unicode/utf8"
)

// protectedSpans returns the byte ranges of normalised text that must stay
// one token: URLs (http://, https://, www.) and @mentions. Normalised text
// is lower case and half-width, so only ASCII forms need recognising.
func protectedSpans(t string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == 'h' && (hasPrefixAt(t, i, "http://") || hasPrefixAt(t, i, "https://")),
			c == 'w' && hasPrefixAt(t, i, "www.") && (i == 0 || !isASCIILetterDigit(t[i-1])):
			end := urlEnd(t, i)
			if end-i > len("https://") {
				spans = append(spans, [2]int{i, end})
				i = end - 1
			}
		case c == '@' && (i == 0 || !isASCIILetterDigit(t[i-1]) && t[i-1] != '*' && t[i-1] != '.' && t[i-1] != '_'):
			end := mentionEnd(t, i+1)
			if end > i+1 {
				spans = append(spans, [2]int{i, end})
				i = end - 1
			}
		}
	}
	return spans
}

func hasPrefixAt(t string, i int, p string) bool {
	return len(t)-i >= len(p) && t[i:i+len(p)] == p
}

// urlEnd returns where a URL starting at i ends: at white space, a
// non-ASCII character (Chinese text usually follows a link directly) or
// trailing punctuation.
func urlEnd(t string, i int) int {
	j := i
	for j < len(t) && t[j] > ' ' && t[j] < utf8.RuneSelf && t[j] != '"' && t[j] != '<' && t[j] != '>' {
		j++
	}
	for j > i && (t[j-1] == '.' || t[j-1] == ',' || t[j-1] == ')' || t[j-1] == '!' || t[j-1] == '?' || t[j-1] == ';' || t[j-1] == ':') {
		j--
	}
	return j
}

// mentionEnd returns where an @mention whose name starts at i ends: names
// are letters (Chinese included), digits, '_' and '-', at most 30
// characters, as on Weibo.
func mentionEnd(t string, i int) int {
	j, n := i, 0
	for j < len(t) && n < 30 {
		r, size := utf8.DecodeRuneInString(t[j:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			break
		}
		j += size
		n++
	}
	return j
}
