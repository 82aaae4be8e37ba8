package index

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/yuqing-dev/yuqing/analysis"
)

// MaxSize bounds the hits of one page.
const MaxSize = 200

// Request is one search.
type Request struct {
	// Q is the query: words (segmented like the text, all must match, in
	// title or text), "exact phrases", and -word to exclude.
	Q string
	// From and To bound published_at (inclusive From, exclusive To); zero
	// means unbounded.
	From, To time.Time
	// Size is the page size (default 20, at most MaxSize); Page is 1-based.
	Size, Page int
	// Sort is "time" (newest first, the default) or "relevance".
	Sort string
}

// Hit is one matching document.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	// Doc is the stored document without its tokens.
	Doc analysis.Doc `json:"doc"`
	// Fragments are highlighted excerpts per field, matches in <mark>.
	Fragments map[string][]string `json:"fragments,omitempty"`
}

// Result is a page of hits.
type Result struct {
	Total  uint64        `json:"total"`
	Hits   []Hit         `json:"hits"`
	TookMS float64       `json:"took_ms"`
	Took   time.Duration `json:"-"`
}

// Search runs req. Hits carry <mark>-highlighted fragments of text and
// title; the fragment text is HTML-escaped.
func (ix *Index) Search(ctx context.Context, req Request) (Result, error) {
	size := req.Size
	if size <= 0 {
		size = 20
	}
	size = min(size, MaxSize)
	page := max(req.Page, 1)
	sr := bleve.NewSearchRequestOptions(buildQuery(req), size, (page-1)*size, false)
	sr.Fields = storedFields
	sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
	sr.Highlight.AddField(fieldText)
	sr.Highlight.AddField(fieldTitle)
	switch req.Sort {
	case "relevance":
		sr.SortBy([]string{"-_score", "-" + fieldPublishedAt})
	case "", "time":
		sr.SortBy([]string{"-" + fieldPublishedAt, "_id"})
	default:
		return Result{}, fmt.Errorf("sort %q: want time or relevance", req.Sort)
	}
	res, err := ix.searchIndex(req.From, req.To).SearchInContext(ctx, sr)
	if err != nil {
		return Result{}, fmt.Errorf("searching %q: %w", req.Q, err)
	}
	out := Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits)), Took: res.Took,
		TookMS: float64(res.Took.Microseconds()) / 1000}
	for _, h := range res.Hits {
		d, err := decodeStored(h.ID, h.Fields)
		if err != nil {
			return Result{}, err
		}
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Doc: d, Fragments: h.Fragments})
	}
	return out, nil
}

// buildQuery turns the request into a bleve query: each word or phrase
// must match the text or the title, excluded ones must not, and the time
// range bounds published_at.
func buildQuery(req Request) query.Query {
	var must, mustNot []query.Query
	for _, term := range splitQuery(req.Q) {
		q := fieldsQuery(term.text, term.phrase)
		if term.exclude {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		incl, excl := true, false
		must = append(must, &query.DateRangeQuery{
			Start: query.BleveQueryTime{Time: req.From}, End: query.BleveQueryTime{Time: req.To},
			InclusiveStart: &incl, InclusiveEnd: &excl, FieldVal: fieldPublishedAt})
	}
	if len(must) == 0 {
		must = append(must, query.NewMatchAllQuery())
	}
	b := query.NewBooleanQuery(must, nil, nil)
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b
}

// fieldsQuery matches s in text or title: as a phrase, or as all its words.
func fieldsQuery(s string, phrase bool) query.Query {
	var qs []query.Query
	for _, f := range []string{fieldText, fieldTitle} {
		if phrase {
			q := query.NewMatchPhraseQuery(s)
			q.SetField(f)
			qs = append(qs, q)
			continue
		}
		q := query.NewMatchQuery(s)
		q.SetField(f)
		q.SetOperator(query.MatchQueryOperatorAnd)
		qs = append(qs, q)
	}
	return query.NewDisjunctionQuery(qs)
}

type queryTerm struct {
	text            string
	phrase, exclude bool
}

// splitQuery splits q into words and "quoted phrases"; a leading - excludes.
func splitQuery(q string) []queryTerm {
	var terms []queryTerm
	rs := []rune(q)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		t := queryTerm{}
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			t.exclude = true
			i++
		}
		if rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			t.text, t.phrase = string(rs[i+1:min(end, len(rs))]), true
			i = end + 1
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) {
				end++
			}
			t.text = string(rs[i:end])
			i = end
		}
		if strings.TrimSpace(t.text) != "" {
			terms = append(terms, t)
		}
	}
	return terms
}

// ValidateQuery reports whether q is a valid query (saved searches are
// checked before they are stored).
func ValidateQuery(q string) error {
	_ = splitQuery(q)
	return nil
}
