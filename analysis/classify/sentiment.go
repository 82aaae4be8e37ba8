package classify

import (
	"math"
	"slices"
	"strings"
)

// maxSentimentEvidence caps the sentiment entries of an explanation; the
// score still counts every hit.
const maxSentimentEvidence = 24

// sentiment scores the lexicon hits: each word's signed weight, multiplied
// by the degree adverbs and flipped by the negators within the window
// before it (same clause, whole words), plus emoticons; the sum grows with
// exclamation marks and is squashed by tanh(sum/scale) into (-1, 1).
func (d *doc) sentiment() {
	s, rule := d.s, &d.c.senti
	d.markContained()
	sum, explained := 0.0, 0
	for i, h := range s.senti {
		if h.p.aligned && !d.whole(h.start, h.end) || d.sentimentInside(i) {
			continue
		}
		var w float64
		var note string
		switch h.p.kind {
		case pEmoticon:
			w = h.p.w
			h.end = d.closeBracket(h.end)
		case pSentWord:
			w, note = d.modified(i)
		default:
			continue
		}
		sum += w
		if explained < maxSentimentEvidence {
			explained++
			d.res.Explanation = append(d.res.Explanation, Evidence{
				Category: "sentiment", Term: d.text[h.start:h.end], Start: int(h.start), End: int(h.end),
				Weight: round3(w), Note: note,
			})
		}
	}
	if sum == 0 {
		return
	}
	if n := strings.Count(d.text, "!"); n > 0 {
		sum *= 1 + rule.Exclaim*float64(min(n, 3))
	}
	d.res.Sentiment = round3(math.Tanh(sum / rule.Scale))
}

// closeBracket extends an emoticon hit ("[爱你", the key) to its closing
// bracket ("[爱你哦]") when one follows within a few characters.
func (d *doc) closeBracket(end int32) int32 {
	rest := d.text[end:]
	if i := strings.IndexByte(rest[:min(len(rest), 16)], ']'); i >= 0 {
		return end + int32(i) + 1
	}
	return end
}

// markContained flags the sentiment hits that lie inside a longer one
// (错 inside 不错, 哈哈 inside [哈哈]); hits are in order of end offset.
func (d *doc) markContained() {
	s := d.s
	s.sentDrop = slices.Grow(s.sentDrop[:0], len(s.senti))[:len(s.senti)]
	maxLen := int32(0)
	for _, h := range s.senti {
		maxLen = max(maxLen, h.end-h.start)
	}
	for i, h := range s.senti {
		s.sentDrop[i] = false
		longer := func(o sentHit) bool {
			return o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start && (!o.p.aligned || d.whole(o.start, o.end))
		}
		for j := i + 1; j < len(s.senti) && s.senti[j].end-maxLen <= h.start && !s.sentDrop[i]; j++ {
			s.sentDrop[i] = longer(s.senti[j])
		}
		for j := i - 1; j >= 0 && s.senti[j].end == h.end && !s.sentDrop[i]; j-- {
			s.sentDrop[i] = longer(s.senti[j])
		}
	}
}

// sentimentInside reports whether sentiment hit i lies inside a longer one.
func (d *doc) sentimentInside(i int) bool { return d.s.sentDrop[i] }

// modified applies the degree adverbs and negators before word i.
func (d *doc) modified(i int) (float64, string) {
	s, rule := d.s, &d.c.senti
	h := s.senti[i]
	w, note, from := h.p.w, "", h.start
	for j := i - 1; j >= 0; j-- {
		m := s.senti[j]
		if m.end > from || m.p.aligned && !d.whole(m.start, m.end) || d.sentimentInside(j) {
			continue
		}
		if d.runesBetween(m.end, from, rule.Window) > rule.Window || d.brokenBetween(m.end, from) {
			break
		}
		switch m.p.kind {
		case pDegree:
			w *= m.p.w
			note = addNote(note, "degree "+d.text[m.start:m.end])
		case pNegator:
			w *= -negationFlip
			note = addNote(note, "negated by "+d.text[m.start:m.end])
		default:
			return w, note // an earlier sentiment word owns what precedes it
		}
		from = m.start
	}
	return w, note
}

// negationFlip is how much of a word's weight survives negation, with the
// sign flipped: 不好 is negative, but 不坏 is only mildly positive.
const negationFlip = 0.6
