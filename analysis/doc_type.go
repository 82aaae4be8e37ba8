package analysis

import (
	"time"

	"github.com/yuqing-dev/yuqing/ingest"
)

// Doc is an analysed Post: what the docs topic carries and the index
// stores. Field names are part of the public API.
type Doc struct {
	ingest.Post
	// Tokens are the words of Text, TitleTokens those of Title, with byte
	// offsets into the original strings; sub-words follow their word.
	Tokens      []Token   `json:"tokens,omitempty"`
	TitleTokens []Token   `json:"title_tokens,omitempty"`
	AnalyzedAt  time.Time `json:"analyzed_at"`
}

// Analyzer turns Posts into Docs. It is safe for concurrent use.
type Analyzer struct {
	seg *Segmenter
	now func() time.Time
}

// NewAnalyzer returns an Analyzer that segments with seg.
func NewAnalyzer(seg *Segmenter) *Analyzer {
	return &Analyzer{seg: seg, now: time.Now}
}

// Analyze segments the post's title and text once; everything downstream
// reuses these tokens.
func (a *Analyzer) Analyze(p ingest.Post) Doc {
	return Doc{
		Post:        p,
		Tokens:      a.seg.IndexTokens(p.Text),
		TitleTokens: a.seg.IndexTokens(p.Title),
		AnalyzedAt:  a.now().UTC(),
	}
}
