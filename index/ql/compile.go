package ql

import (
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/yuqing-dev/yuqing/analysis/places"
)

// Index fields the language queries besides the places (region.go).
const (
	fieldText        = "text"
	fieldTitle       = "title"
	fieldCategory    = "category"
	fieldPublishedAt = "published_at"
)

// indexField maps the language's field names to the index's.
var indexField = map[string]string{
	"source": "source", "kind": "kind", "category": fieldCategory, "cluster": "cluster_id", "author": "author",
	"risk": "risk", "sentiment": "sentiment", "time": fieldPublishedAt,
}

// Options are what Compile and TimeBounds need besides the query.
type Options struct {
	// Now is the time now-24h counts from; zero means time.Now().
	Now time.Time
	// Location is where dates and times without a zone are read (a date is
	// a whole day there); nil means Asia/Shanghai.
	Location *time.Location
	// Places resolves region: names; nil means places.Default().Find.
	Places func(string) []places.Location
}

// shanghai is Asia/Shanghai, or UTC+8 (the same since 1991) on a system
// without time zone data.
var shanghai = sync.OnceValue(func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*60*60)
})

// withClock fills in Now and Location.
func (o Options) withClock() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Location == nil {
		o.Location = shanghai()
	}
	return o
}

func (o Options) withDefaults() Options {
	o = o.withClock()
	if o.Places == nil {
		o.Places = places.Default().Find
	}
	return o
}

// Compile turns a parsed query into a bleve query over the index mapping's
// fields: words and phrases match text or title with the fields' own
// analyzer, filters are term, prefix and range queries, and a query or
// group with only exclusions matches everything but them. A nil Node
// matches all documents. Errors are *SyntaxError: an unknown or ambiguous
// region, or a time range that ends before it starts.
func Compile(n Node, o Options) (query.Query, error) {
	if n == nil {
		return query.NewMatchAllQuery(), nil
	}
	q, err := compile(n, o.withDefaults())
	if err != nil {
		return nil, err
	}
	return q, nil
}

func compile(n Node, o Options) (query.Query, *SyntaxError) {
	switch n := n.(type) {
	case *And:
		return compileAnd(n.Nodes, o)
	case *Or:
		qs, err := compileAll(n.Nodes, o)
		if err != nil {
			return nil, err
		}
		return query.NewDisjunctionQuery(qs), nil
	case *Not:
		return compileAnd([]Node{n}, o)
	case *Word:
		return textQuery(n.Text, false), nil
	case *Phrase:
		return textQuery(n.Text, true), nil
	case *Field:
		if !slices.Contains(keywordFields, n.Name) {
			return nil, errAt(n.Pos, "unknown field %q", n.Name)
		}
		return fieldQuery(n), nil
	case *Region:
		return regionQuery(n, o.Places)
	case *Range:
		return rangeQuery(n, o)
	case nil:
		return query.NewMatchAllQuery(), nil
	}
	return nil, errAt(0, "unknown node %T", n)
}

func compileAll(ns []Node, o Options) ([]query.Query, *SyntaxError) {
	qs := make([]query.Query, 0, len(ns))
	for _, n := range ns {
		q, err := compile(n, o)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// compileAnd requires the positive nodes and excludes the Nots; with no
// positive node it starts from all documents.
func compileAnd(ns []Node, o Options) (query.Query, *SyntaxError) {
	var pos, neg []Node
	for _, n := range ns {
		if not, ok := n.(*Not); ok {
			neg = append(neg, not.Node)
		} else {
			pos = append(pos, n)
		}
	}
	must, err := compileAll(pos, o)
	if err != nil {
		return nil, err
	}
	mustNot, err := compileAll(neg, o)
	if err != nil {
		return nil, err
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	if len(mustNot) == 0 {
		if len(must) == 1 {
			return must[0], nil
		}
		return query.NewConjunctionQuery(must), nil
	}
	return query.NewBooleanQuery(must, nil, mustNot), nil
}

// textQuery matches s in text or title, as a phrase or as all its words.
func textQuery(s string, phrase bool) query.Query {
	qs := make([]query.Query, 0, 2)
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

// fieldQuery is an exact or prefix match on a keyword field; a category
// also matches the categories under it.
func fieldQuery(n *Field) query.Query {
	f := indexField[n.Name]
	if n.Prefix {
		q := query.NewPrefixQuery(n.Value)
		q.SetField(f)
		return q
	}
	if f != fieldCategory {
		return term(f, n.Value)
	}
	q := query.NewPrefixQuery(n.Value + ".")
	q.SetField(f)
	return query.NewDisjunctionQuery([]query.Query{term(f, n.Value), q})
}
