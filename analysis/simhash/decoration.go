package simhash

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Span is the byte range [Start, End) of a text.
type Span struct {
	Start, End int
}

// Spans is a sorted list of non-overlapping, non-adjacent spans.
type Spans []Span

// Contains reports whether byte offset off lies inside one of the spans.
func (s Spans) Contains(off int) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].End > off })
	return i < len(s) && s[i].Start <= off
}

// minBodyRunes is how many letters and digits the text after the last
// //@name: marker needs to be taken for the copied post rather than for one
// more short comment ("哈哈哈", "支持").
const minBodyRunes = 15

var (
	// chainMarker is a Weibo repost-chain marker "//@name:" or a reply
	// marker "回复@name:", with full-width variants.
	chainMarker = regexp.MustCompile(`(?://|／／|回复|回覆)\s*[@＠][^:：\s/@＠]{1,30}\s*[:：]`)
	// leadMarker is a repost label at the start of the copied text:
	// 转发: / 转自微博： / 轉載： / 扩散： …
	leadMarker = regexp.MustCompile(`^[\s\p{P}]*(?:转发|轉發|转自|轉自|转载|轉載|分享自|扩散|擴散)[^:：\n]{0,12}?[:：]`)
	// inline is repost boilerplate anywhere: Weibo's default repost text,
	// 【转】-style labels and [表情] emoticon tags (a bracketed word of at
	// most 8 characters without digits, so [95588] sender tags stay).
	inline = regexp.MustCompile(`转发微博|轉發微博|【转】|【轉】|[(（]转载?[)）]|[(（]轉載?[)）]|\[[^\[\]\s\d]{1,8}\]`)
)

// Decoration returns the parts of a post's text that reposting adds around
// the words it copies, as byte ranges of text: Weibo chain markers
// ("//@name:", "回复@name:") and, when the text after the last marker is a
// post of its own (15 or more letters and digits), every comment before it;
// a leading repost label ("转发:", "转自微博：", "轉載："); "转发微博"; 【转】;
// and [表情] emoticon tags. Traditional forms are recognised as well.
//
// The analysis stage drops the words whose start offset is inside one of
// the spans before calling Of:
//
//	dec := simhash.Decoration(text)
//	for _, t := range toks { // Tokens of text, without sub-words
//		if !dec.Contains(t.Start) {
//			words = append(words, t.Term)
//		}
//	}
//	hash := simhash.Of(words)
//
// so that "转发:原文[泪]" and "评论//@某某:原文" hash like "原文". When nothing
// with a letter or digit is left, the whole text is decoration and the post
// has no features (hash 0): an emoticon-only or "转发微博" repost says nothing
// to cluster on. Emoji need no span: the tokenizer drops them.
func Decoration(text string) Spans {
	var spans Spans
	body := 0
	var ms [][]int
	if strings.ContainsAny(text, "@＠") {
		ms = chainMarker.FindAllStringIndex(text, -1)
	}
	if len(ms) > 0 {
		last := ms[len(ms)-1][1]
		if contentRunes(text[last:]) >= minBodyRunes {
			spans = append(spans, Span{0, last})
			body = last
		} else {
			for _, m := range ms {
				spans = append(spans, Span{m[0], m[1]})
			}
		}
	}
	if m := leadMarker.FindStringIndex(text[body:]); m != nil {
		spans = append(spans, Span{body + m[0], body + m[1]})
	}
	for _, m := range findInline(text[body:]) {
		spans = append(spans, Span{body + m[0], body + m[1]})
	}
	spans = spans.merged()
	if !hasContentOutside(text, spans) {
		return Spans{{0, len(text)}}
	}
	return spans
}

// findInline returns the ranges of s that inline matches, skipping the
// regular expression for the many texts without a character it needs.
func findInline(s string) [][]int {
	if !strings.ContainsAny(s, "[转轉") {
		return nil
	}
	return inline.FindAllStringIndex(s, -1)
}

// merged sorts s and joins overlapping or touching spans.
func (s Spans) merged() Spans {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	out := s[:1]
	for _, sp := range s[1:] {
		if last := &out[len(out)-1]; sp.Start <= last.End {
			last.End = max(last.End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// contentRunes counts the letters and digits of s outside emoticon tags.
func contentRunes(s string) int {
	n := 0
	for _, m := range splitOutside(s, findInline(s)) {
		for _, r := range m {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				n++
			}
		}
	}
	return n
}

// hasContentOutside reports whether text has a letter or digit outside
// spans.
func hasContentOutside(text string, spans Spans) bool {
	pos := 0
	for i := 0; i <= len(spans); i++ {
		end := len(text)
		if i < len(spans) {
			end = spans[i].Start
		}
		for _, r := range text[pos:end] {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				return true
			}
		}
		if i < len(spans) {
			pos = spans[i].End
		}
	}
	return false
}

// splitOutside returns the parts of s outside the sorted ranges ms.
func splitOutside(s string, ms [][]int) []string {
	var out []string
	pos := 0
	for _, m := range ms {
		out = append(out, s[pos:m[0]])
		pos = m[1]
	}
	return append(out, s[pos:])
}
