package analysis

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/classify"
	"github.com/yuqing-dev/yuqing/analysis/pii"
	"github.com/yuqing-dev/yuqing/analysis/places"
	"github.com/yuqing-dev/yuqing/analysis/simhash"
	"github.com/yuqing-dev/yuqing/ingest"
)

// Doc is an analysed Post: what the docs topic carries and the index
// stores. Field names are part of the public API. Every byte offset in a
// Doc (tokens, PII spans, locations, explanation) points into the Post's
// original Text (Title for title tokens); MaskedText has the same length,
// so the offsets hold there too.
type Doc struct {
	ingest.Post
	// MaskedText is Text with personal data masked (see package pii); it
	// is what is indexed and shown by default. Empty when Text has none.
	MaskedText string `json:"masked_text,omitempty"`
	// MaskedTitle is Title with personal data masked, when it has any.
	MaskedTitle string `json:"masked_title,omitempty"`
	// PII lists the personal data found in Text.
	PII []pii.Span `json:"pii,omitempty"`
	// Tokens are the words of the (masked) text, TitleTokens those of the
	// title; sub-words follow their word.
	Tokens      []Token   `json:"tokens,omitempty"`
	TitleTokens []Token   `json:"title_tokens,omitempty"`
	Keywords    []Keyword `json:"keywords"`
	// Categories maps taxonomy ids (package classify) to scores in [0,1],
	// only those ≥ 0.1.
	Categories map[string]float64 `json:"categories,omitempty"`
	Sentiment  float64            `json:"sentiment"`
	Risk       float64            `json:"risk"`
	// Explanation says why each category and the sentiment scored.
	Explanation []classify.Evidence `json:"explanation,omitempty"`
	Locations   []places.Location   `json:"locations,omitempty"`
	// SimHash is the 64-bit SimHash of the text as 16 hex digits (a JSON
	// number would lose bits in JavaScript).
	SimHash string `json:"simhash"`
	// ClusterID is shared by reposts and light edits of the same text;
	// the analysis stage assigns it through the shared state.
	ClusterID  string    `json:"cluster_id,omitempty"`
	AnalyzedAt time.Time `json:"analyzed_at"`
}

// DisplayText is the text shown and indexed: masked when it had personal data.
func (d *Doc) DisplayText() string {
	if d.MaskedText != "" {
		return d.MaskedText
	}
	return d.Text
}

// DisplayTitle is the title shown and indexed.
func (d *Doc) DisplayTitle() string {
	if d.MaskedTitle != "" {
		return d.MaskedTitle
	}
	return d.Title
}

// Hash returns SimHash as a number.
func (d *Doc) Hash() (uint64, error) {
	h, err := strconv.ParseUint(d.SimHash, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("doc %s: simhash %q: %w", d.ID, d.SimHash, err)
	}
	return h, nil
}

// Analyzer turns Posts into Docs. It is safe for concurrent use.
type Analyzer struct {
	seg      *Segmenter
	cls      classify.Classifier
	gaz      *places.Gazetteer
	keywords int
	now      func() time.Time
}

// AnalyzerOption configures an Analyzer.
type AnalyzerOption func(*Analyzer)

// WithClassifier replaces the default rules classifier (e.g. with the
// rules combined with a trained model).
func WithClassifier(c classify.Classifier) AnalyzerOption {
	return func(a *Analyzer) { a.cls = c }
}

// NewAnalyzer returns an Analyzer that segments with seg and classifies
// with the default rules unless an option says otherwise.
func NewAnalyzer(seg *Segmenter, opts ...AnalyzerOption) (*Analyzer, error) {
	a := &Analyzer{seg: seg, gaz: places.Default(), keywords: 10, now: time.Now}
	for _, o := range opts {
		o(a)
	}
	// Load the lazily built tables now, so the first post does not pay for
	// them and the heap after NewAnalyzer is the analyzer's real size.
	loadIDF()
	t2sOnce.Do(loadT2S)
	if a.cls == nil {
		c, err := classify.Default()
		if err != nil {
			return nil, fmt.Errorf("loading default classifier: %w", err)
		}
		a.cls = c
	}
	return a, nil
}

// Analyze computes every signal of a post: masking, tokens (segmented
// once; the index and rules reuse them), keywords, categories, sentiment,
// risk and their explanation, places and the SimHash. It does not assign
// ClusterID, which needs the shared state (see package cluster).
func (a *Analyzer) Analyze(p ingest.Post) Doc {
	d := Doc{Post: p, AnalyzedAt: a.now().UTC()}
	var n Normalized
	n, d.MaskedText, d.PII = prepare(p.Text)
	d.Tokens = a.seg.normalizedTokens(n, true)
	if p.Title != "" {
		var tn Normalized
		tn, d.MaskedTitle, _ = prepare(p.Title)
		d.TitleTokens = a.seg.normalizedTokens(tn, true)
	}

	// words feed the classifier; content (words outside repost
	// decoration such as "转发:" or "//@某某:") feeds the SimHash.
	dec := simhash.Decoration(d.DisplayText())
	words := make([]string, 0, len(d.Tokens))
	content := make([]string, 0, len(d.Tokens))
	for _, t := range d.Tokens {
		if t.Sub {
			continue
		}
		words = append(words, t.Term)
		if !dec.Contains(t.Start) {
			content = append(content, t.Term)
		}
	}
	d.SimHash = fmt.Sprintf("%016x", simhash.Of(content))
	d.Keywords = Keywords(append(d.TitleTokens[:len(d.TitleTokens):len(d.TitleTokens)], d.Tokens...), a.keywords)

	res := a.cls.Classify(classify.Input{Text: n.Text, Words: words, Kind: p.Kind})
	d.Categories, d.Sentiment, d.Risk = res.Categories, res.Sentiment, res.Risk
	d.Explanation = res.Explanation
	for i := range d.Explanation {
		e := &d.Explanation[i]
		if e.End > e.Start && e.End <= len(n.Text) {
			e.Start, e.End = n.Orig(e.Start, e.End)
		}
	}
	d.Locations = a.gaz.Find(n.Text)
	for i := range d.Locations {
		l := &d.Locations[i]
		if l.End > l.Start && l.End <= len(n.Text) {
			l.Start, l.End = n.Orig(l.Start, l.End)
		}
	}
	return d
}

// prepare normalises text and masks its personal data: it returns the
// normalised masked text, the masked original ("" when nothing was
// masked) and the spans found (in the original).
func prepare(text string) (Normalized, string, []pii.Span) {
	n := Normalize(text)
	spans := pii.Find(n.Text)
	if len(spans) == 0 {
		return n, "", nil
	}
	masked, orig := maskOriginal(text, n, spans)
	return Normalize(masked), masked, orig
}

// ClassifyInput is the classifier input Analyze builds for a text: the
// normalised, masked text and its words. yuqing eval and train use it so
// that they measure what the pipeline does.
func (s *Segmenter) ClassifyInput(text, kind string) classify.Input {
	n, _, _ := prepare(text)
	toks := s.normalizedTokens(n, false)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Term
	}
	return classify.Input{Text: n.Text, Words: words, Kind: kind}
}

// maskOriginal masks personal data in the original text. spans are in the
// normalised text n; each is mapped back to the original and masked
// there, character by character, keeping what pii.Mask keeps visible. A
// masked character is replaced by '*' when it was one byte and by '＊'
// (three bytes) when it was three, so the masked text has exactly the
// original's byte length and every offset stays valid.
func maskOriginal(orig string, n Normalized, spans []pii.Span) (string, []pii.Span) {
	maskedNorm := pii.Mask(n.Text, spans)
	b := []byte(orig)
	out := make([]pii.Span, len(spans))
	for k, sp := range spans {
		os, oe := n.Orig(sp.Start, sp.End)
		out[k] = pii.Span{Kind: sp.Kind, Start: os, End: oe}
		for i := sp.Start; i < sp.End; {
			_, size := utf8.DecodeRuneInString(n.Text[i:])
			if maskedNorm[i] == '*' && n.Text[i] != '*' {
				rs, re := n.Orig(i, i+size)
				maskBytes(b[rs:re])
			}
			i += size
		}
	}
	return string(b), out
}

// maskBytes overwrites the characters of b with stars of the same byte
// length: '*' per byte, or '＊' per three bytes.
func maskBytes(b []byte) {
	for len(b) > 0 {
		if len(b) >= 3 && b[0] >= 0xE0 {
			copy(b, "＊")
			b = b[3:]
			continue
		}
		b[0] = '*'
		b = b[1:]
	}
}
