package analysis

import (
	"fmt"

	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the segmenter is registered in bleve's analysis
// registry. Index mappings refer to AnalyzerName.
const (
	TokenizerName = "yuqing_gse"
	AnalyzerName  = "yuqing_zh"
	// IndexTokenizerName and IndexAnalyzerName produce what the index
	// stores for a text (IndexTokens: words and their sub-words). yuqing
	// itself indexes tokens computed by the analysis stage; these exist so
	// that a plain bleve index (the benchmark baseline, tools) can index
	// exactly the same postings.
	IndexTokenizerName = "yuqing_gse_index"
	IndexAnalyzerName  = "yuqing_zh_index"
)

func init() {
	// bleve's registry is global and panics on duplicate names, so the
	// registration happens once, here, before any index can be opened.
	registry.RegisterTokenizer(TokenizerName, func(map[string]any, *registry.Cache) (blevea.Tokenizer, error) {
		s, err := Default()
		if err != nil {
			return nil, fmt.Errorf("building tokenizer %s: %w", TokenizerName, err)
		}
		return s, nil
	})
	registry.RegisterTokenizer(IndexTokenizerName, func(map[string]any, *registry.Cache) (blevea.Tokenizer, error) {
		s, err := Default()
		if err != nil {
			return nil, fmt.Errorf("building tokenizer %s: %w", IndexTokenizerName, err)
		}
		return indexTokenizer{s}, nil
	})
	for analyzer, tokenizer := range map[string]string{AnalyzerName: TokenizerName, IndexAnalyzerName: IndexTokenizerName} {
		registry.RegisterAnalyzer(analyzer, func(_ map[string]any, cache *registry.Cache) (blevea.Analyzer, error) {
			tok, err := cache.TokenizerNamed(tokenizer)
			if err != nil {
				return nil, fmt.Errorf("building analyzer %s: %w", analyzer, err)
			}
			return &blevea.DefaultAnalyzer{Tokenizer: tok}, nil
		})
	}
}

// indexTokenizer tokenizes with IndexTokens.
type indexTokenizer struct{ s *Segmenter }

func (t indexTokenizer) Tokenize(text []byte) blevea.TokenStream {
	return TokenStream(t.s.IndexTokens(string(text)))
}

// Tokenize implements bleve's analysis.Tokenizer with the same
// normalisation and segmentation as Tokens, so query strings are split the
// way documents were.
func (s *Segmenter) Tokenize(text []byte) blevea.TokenStream {
	return TokenStream(s.Tokens(string(text)))
}

// TokenStream converts tokens to a bleve token stream; sub-words share the
// position of their word. The index uses it to index the tokens analysis
// already computed instead of segmenting again.
func TokenStream(toks []Token) blevea.TokenStream {
	ts := make(blevea.TokenStream, len(toks))
	pos := 0
	for i, t := range toks {
		if !t.Sub || pos == 0 {
			pos++
		}
		ts[i] = &blevea.Token{
			Term:     []byte(t.Term),
			Start:    t.Start,
			End:      t.End,
			Position: pos,
			Type:     tokenType(t.Term),
		}
	}
	return ts
}

func tokenType(term string) blevea.TokenType {
	for _, r := range term {
		if r >= 0x2E80 {
			return blevea.Ideographic
		}
	}
	return blevea.AlphaNumeric
}
