package ql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what Parse accepts, so that a pathological query (megabytes
// long, thousands of terms, nested a thousand deep, a hundred prefix
// scans) is refused in microseconds with a *SyntaxError, which the API
// answers 400 bad_query, instead of tying up the index. A query an analyst
// types, or a saved search, is far inside them.
const (
	// MaxQueryBytes bounds the length of a query in bytes (UTF-8).
	MaxQueryBytes = 4096
	// MaxTerms bounds the words, phrases, filters, regions and ranges of a
	// query together.
	MaxTerms = 256
	// MaxDepth bounds the nesting of groups and NOTs in a query.
	MaxDepth = 32
	// MaxPrefixes bounds the prefix filters (source:sms:*) of a query:
	// each one walks the field's term dictionary.
	MaxPrefixes = 16
)

// Parse parses a query. An empty query, or one of white space and
// punctuation only, gives a nil Node and no error: it matches everything.
// Any error is a *SyntaxError. Parse does not resolve regions or times
// (Compile does), so a Node can be kept and compiled again later, as saved
// searches and alert rules do.
func Parse(q string) (Node, error) {
	if len(q) > MaxQueryBytes {
		end := MaxQueryBytes // the start of the rune that crosses the limit
		for end > 0 && !utf8.RuneStart(q[end]) {
			end--
		}
		return nil, errAt(utf8.RuneCountInString(q[:end]),
			"query longer than %d bytes (%d): shorten it, or save parts of it as separate searches", MaxQueryBytes, len(q))
	}
	toks, serr := lex(q)
	if serr != nil {
		return nil, serr
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, nil
	}
	n, serr := p.or()
	if serr != nil {
		return nil, serr
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, `unexpected ")" with no "(" open`)
	}
	return n, nil
}

type parser struct {
	toks     []token
	i        int
	depth    int
	terms    int // terms parsed so far (MaxTerms)
	prefixes int // prefix filters parsed so far (MaxPrefixes)
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// term reports whether the next token can start a term.
func (p *parser) term() bool {
	switch p.peek().kind {
	case tLParen, tMinus, tNot, tWord, tPhrase, tField:
		return true
	}
	return false
}

// operand checks that a term follows the operator op.
func (p *parser) operand(op string) *SyntaxError {
	if p.term() {
		return nil
	}
	return expected(p.peek().pos, "a term", "after %q", op)
}

// or = and { "OR" and } .
func (p *parser) or() (Node, *SyntaxError) {
	n, err := p.and()
	if err != nil {
		return nil, err
	}
	nodes := []Node{n}
	for p.peek().kind == tOr {
		p.next()
		if err := p.operand("OR"); err != nil {
			return nil, err
		}
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return join(nodes, false), nil
}

// and = unary { [ "AND" ] unary } .
func (p *parser) and() (Node, *SyntaxError) {
	if !p.term() {
		t := p.peek()
		switch t.kind {
		case tAnd:
			return nil, expected(t.pos, "a term", `before "AND"`)
		case tOr:
			return nil, expected(t.pos, "a term", `before "OR"`)
		case tRParen:
			return nil, errAt(t.pos, `unexpected ")" with no "(" open`)
		}
		return nil, expected(t.pos, "a term", "")
	}
	var nodes []Node
	for {
		if p.peek().kind == tAnd {
			p.next()
			if err := p.operand("AND"); err != nil {
				return nil, err
			}
		} else if !p.term() {
			return join(nodes, true), nil
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
}

// unary = ( "NOT" | "-" ) unary | primary .
func (p *parser) unary() (Node, *SyntaxError) {
	t := p.peek()
	if t.kind != tNot && t.kind != tMinus {
		return p.primary()
	}
	p.next()
	op := "NOT"
	if t.kind == tMinus {
		op = "-"
	}
	if err := p.operand(op); err != nil {
		return nil, err
	}
	if p.depth++; p.depth > MaxDepth {
		return nil, errAt(t.pos, "nested more than %d deep", MaxDepth)
	}
	n, err := p.unary()
	p.depth--
	if err != nil || n == nil {
		return nil, err
	}
	return &Not{Node: n}, nil
}

// primary = "(" or ")" | phrase | field | word .
func (p *parser) primary() (Node, *SyntaxError) {
	t := p.next()
	if t.kind == tLParen {
		return p.group(t)
	}
	n, err := leaf(t)
	if err != nil || n == nil {
		return nil, err
	}
	if p.terms++; p.terms > MaxTerms {
		return nil, errAt(t.pos, "more than %d terms in one query: narrow it, or split it into several searches", MaxTerms)
	}
	if f, ok := n.(*Field); ok && f.Prefix {
		if p.prefixes++; p.prefixes > MaxPrefixes {
			return nil, errAt(t.pos, "more than %d prefix filters (value*) in one query", MaxPrefixes)
		}
	}
	return n, nil
}

// leaf is the term of a phrase, field or word token; nil for a word of
// punctuation only.
func leaf(t token) (Node, *SyntaxError) {
	switch t.kind {
	case tPhrase:
		text := strings.TrimSpace(t.text)
		if !hasContent(text) {
			return nil, errAt(t.pos, "empty phrase")
		}
		return &Phrase{Text: text, Pos: t.pos}, nil
	case tField:
		return fieldNode(t)
	}
	if !hasContent(t.text) {
		return nil, nil // punctuation: the segmenter finds no word in it
	}
	return &Word{Text: t.text, Pos: t.pos}, nil
}

// group parses the rest of a group whose "(" is open.
func (p *parser) group(open token) (Node, *SyntaxError) {
	if p.peek().kind == tRParen {
		return nil, errAt(open.pos, "empty group")
	}
	if p.depth++; p.depth > MaxDepth {
		return nil, errAt(open.pos, "nested more than %d deep", MaxDepth)
	}
	n, err := p.or()
	p.depth--
	if err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != tRParen {
		return nil, expected(t.pos, `")"`, `to close "(" opened at %d`, open.pos)
	}
	return n, nil
}

// join makes an And (or an Or) of nodes, dropping nils and lifting the
// children of nested ones of the same kind.
func join(nodes []Node, and bool) Node {
	var out []Node
	for _, n := range nodes {
		switch n := n.(type) {
		case nil:
		case *And:
			if and {
				out = append(out, n.Nodes...)
			} else {
				out = append(out, n)
			}
		case *Or:
			if !and {
				out = append(out, n.Nodes...)
			} else {
				out = append(out, n)
			}
		default:
			out = append(out, n)
		}
	}
	switch {
	case len(out) == 0:
		return nil
	case len(out) == 1:
		return out[0]
	case and:
		return &And{Nodes: out}
	}
	return &Or{Nodes: out}
}

// hasContent reports whether s has a letter or a digit, that is, a word
// the segmenter can find.
func hasContent(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}
