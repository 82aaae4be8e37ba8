package analysis

import (
	"log/slog"
	"sync"
	"sync/atomic"
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
// for concurrent use, including with LoadDicts: a reload builds a new
// dictionary beside the current one and swaps it in atomically, so
// segmentation never waits for it and never sees half a dictionary.
//
// The base dictionary is gse's embedded simplified-Chinese one, so
// segmentation behaves the same on every machine whatever its module cache
// holds. Traditional text is converted before segmentation (Normalize), so
// gse's traditional dictionary is not loaded (it cost 1.5 s and 70 MB).
type Segmenter struct {
	cur  atomic.Pointer[gse.Segmenter]
	info atomic.Pointer[DictInfo]
	mu   sync.Mutex // serialises LoadDicts
}

// NewSegmenter loads gse's embedded dictionary and the user dictionaries
// files (see ParseDict). It takes about a second and ~130 MB of heap: call
// it once per process (see Default).
func NewSegmenter(files ...DictFile) (*Segmenter, error) {
	s := &Segmenter{}
	if err := s.LoadDicts(files...); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Segmenter) gse() *gse.Segmenter { return s.cur.Load() }

var (
	defaultMu    sync.Mutex
	defaultSeg   *Segmenter
	defaultErr   error
	defaultDicts []DictFile
)

// Default returns the process-wide Segmenter, loading the dictionary (and
// the user dictionaries given to SetDefaultDicts) on the first call. The
// bleve tokenizers use it, which is why it is shared: bleve's analysis
// registry is global.
func Default() (*Segmenter, error) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultSeg == nil && defaultErr == nil {
		start := time.Now()
		defaultSeg, defaultErr = NewSegmenter(defaultDicts...)
		slog.Debug("gse dictionary loaded", "took", time.Since(start))
	}
	return defaultSeg, defaultErr
}

// SetDefaultDicts sets the user dictionaries of the process-wide
// Segmenter: before it is first loaded they are loaded with it (one load),
// afterwards it is reloaded with them.
//
// Setting the dictionaries already in use (same names and contents) does
// nothing, so several servers in one process (tests) share one load.
func SetDefaultDicts(files ...DictFile) error {
	defaultMu.Lock()
	defaultDicts = files
	seg := defaultSeg
	defaultMu.Unlock()
	if seg == nil {
		return nil
	}
	if i := seg.info.Load(); i != nil && i.digest == dictDigest(files) {
		return nil
	}
	return seg.LoadDicts(files...)
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
	return s.normalizedTokens(Normalize(text), subwords)
}

// normalizedTokens segments n.Text. URLs and @mentions are kept whole as
// one token each; the text between them goes to gse.
func (s *Segmenter) normalizedTokens(n Normalized, subwords bool) []Token {
	toks := make([]Token, 0, len(n.Text)/4+1)
	pos := 0
	for _, sp := range protectedSpans(n.Text) {
		toks = s.appendSegments(toks, n, pos, sp[0], subwords)
		os, oe := n.Orig(sp[0], sp[1])
		toks = append(toks, Token{Term: n.Text[sp[0]:sp[1]], Start: os, End: oe})
		pos = sp[1]
	}
	return s.appendSegments(toks, n, pos, len(n.Text), subwords)
}

// appendSegments segments n.Text[from:to] with gse.
func (s *Segmenter) appendSegments(toks []Token, n Normalized, from, to int, subwords bool) []Token {
	if from >= to {
		return toks
	}
	segs := s.gse().Segment([]byte(n.Text[from:to]))
	for i := range segs {
		start, end := from+segs[i].Start(), from+segs[i].End()
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
