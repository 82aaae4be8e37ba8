package analysis

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Token is one word of a text. Start and End are byte offsets into the
// original (un-normalised) text, so they can be used for highlighting and
// rule explanations; Term is the normalised word that is indexed and matched.
type Token struct {
	Term  string `json:"t"`
	Start int    `json:"s"`
	End   int    `json:"e"`
	// Sub marks a sub-word of the word before it (爆炸 in 发生爆炸): it is
	// indexed at its parent's position so a search for the shorter word
	// finds the longer one.
	Sub bool `json:"sub,omitempty"`
}

// Segmenter splits Chinese (and mixed) text into words with gse. It is safe
// for concurrent use. The dictionary is gse's embedded one, so segmentation
// behaves the same on every machine whatever its module cache holds.
type Segmenter struct {
	seg gse.Segmenter
}

// NewSegmenter loads gse's embedded simplified and traditional Chinese
// dictionaries. It takes a few seconds and a few hundred MB of heap: call it
// once per process (see Default).
func NewSegmenter() (*Segmenter, error) {
	seg, err := gse.NewEmbed("zh")
	if err != nil {
		return nil, fmt.Errorf("loading gse embedded dictionary: %w", err)
	}
	return &Segmenter{seg: seg}, nil
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// Default returns the process-wide Segmenter, loading the dictionary on the
// first call. The bleve tokenizer "yuqing_gse" uses it, which is why it is
// shared: bleve's analysis registry is global.
func Default() (*Segmenter, error) {
	defaultOnce.Do(func() {
		start := time.Now()
		defaultSeg, defaultErr = NewSegmenter()
		slog.Debug("gse dictionary loaded", "took", time.Since(start))
	})
	return defaultSeg, defaultErr
}

// Tokens normalises text and segments it, returning the words that carry
// meaning (runs of punctuation and white space are dropped) with offsets
// into text. Queries and rules use these.
func (s *Segmenter) Tokens(text string) []Token {
	return s.tokens(text, false)
}

// IndexTokens is Tokens with each dictionary word followed by its
// sub-words (marked Sub), the way search engines index Chinese for recall.
func (s *Segmenter) IndexTokens(text string) []Token {
	return s.tokens(text, true)
}

func (s *Segmenter) tokens(text string, subwords bool) []Token {
	if text == "" {
		return nil
	}
	n := Normalize(text)
	segs := s.seg.Segment([]byte(n.Text))
	toks := make([]Token, 0, len(segs))
	for i := range segs {
		start, end := segs[i].Start(), segs[i].End()
		term := n.Text[start:end]
		if !meaningful(term) {
			continue
		}
		os, oe := n.Orig(start, end)
		toks = append(toks, Token{Term: term, Start: os, End: oe})
		if subwords {
			toks = appendSubwords(toks, n, segs[i].Token(), start)
		}
	}
	return toks
}

// appendSubwords appends the sub-words gse knows for tok, which starts at
// byte base of the normalised text, skipping the word itself and
// single characters.
func appendSubwords(toks []Token, n Normalized, tok *gse.Token, base int) []Token {
	for _, sub := range tok.Segments() {
		start, end := base+sub.Start(), base+sub.End()
		term := n.Text[start:end]
		if utf8.RuneCountInString(term) < 2 || end-start == len(tok.Text()) || !meaningful(term) {
			continue
		}
		os, oe := n.Orig(start, end)
		toks = append(toks, Token{Term: term, Start: os, End: oe, Sub: true})
		toks = appendSubwords(toks, n, sub.Token(), start)
	}
	return toks
}

// meaningful reports whether term has at least one letter or digit.
func meaningful(term string) bool {
	for i := 0; i < len(term); {
		r, size := utf8.DecodeRuneInString(term[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
		i += size
	}
	return false
}
