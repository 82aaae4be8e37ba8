package ql

import (
	"slices"
	"unicode"
)

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tMinus
	tAnd
	tOr
	tNot
	tWord
	tPhrase
	tField
)

// token is one lexeme. Positions are rune offsets into the query.
type token struct {
	kind tokKind
	pos  int
	text string // word, phrase or field value (the inside of an interval)
	// Fields only.
	name        string
	vpos        int  // offset of the value (of its quote or bracket)
	quoted      bool // value was "quoted"
	open, close rune // interval brackets, 0 for other values
}

// Field names of the language, each followed by ':' in a query.
var (
	keywordFields = []string{"source", "kind", "category", "cluster", "author"}
	rangeFields   = []string{"risk", "sentiment", "time"}
	regionField   = "region"
)

// fold maps the full-width forms Chinese input methods type (（）＂：＞ and
// full-width letters and digits) to ASCII, the ideographic space to a
// space, and curly double quotes to '"'. It keeps one rune per rune, so
// offsets into the folded query are offsets into the query.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case r == '“' || r == '”' || r == '„' || r == '‟':
		return '"'
	}
	return r
}

// delim reports whether r ends a bare word or value.
func delim(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
}

type lexer struct {
	rs   []rune
	toks []token
}

// lex splits q into tokens, ending with a tEOF at len(runes).
func lex(q string) ([]token, *SyntaxError) {
	rs := []rune(q)
	for i, r := range rs {
		rs[i] = fold(r)
	}
	l := &lexer{rs: rs}
	for i := 0; i < len(rs); {
		var err *SyntaxError
		i, err = l.one(i)
		if err != nil {
			return nil, err
		}
	}
	l.toks = append(l.toks, token{kind: tEOF, pos: len(rs)})
	return l.toks, nil
}

// one lexes the token at i, if any, and returns where the next one may start.
func (l *lexer) one(i int) (int, *SyntaxError) {
	rs := l.rs
	switch r := rs[i]; {
	case unicode.IsSpace(r):
		return i + 1, nil
	case r == '(':
		l.toks = append(l.toks, token{kind: tLParen, pos: i})
		return i + 1, nil
	case r == ')':
		l.toks = append(l.toks, token{kind: tRParen, pos: i})
		return i + 1, nil
	case r == '"':
		text, end, err := l.quoted(i)
		if err != nil {
			return 0, err
		}
		l.toks = append(l.toks, token{kind: tPhrase, pos: i, text: text})
		return end, nil
	case r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')':
		l.toks = append(l.toks, token{kind: tMinus, pos: i})
		return i + 1, nil
	}
	if name := l.fieldAt(i); name != "" {
		return l.field(i, name)
	}
	end := l.bare(i)
	t := token{kind: tWord, pos: i, text: string(rs[i:end])}
	switch t.text {
	case "AND":
		t.kind = tAnd
	case "OR":
		t.kind = tOr
	case "NOT":
		t.kind = tNot
	}
	l.toks = append(l.toks, t)
	return end, nil
}

// bare returns the end of the bare word or value starting at i.
func (l *lexer) bare(i int) int {
	for i < len(l.rs) && !delim(l.rs[i]) {
		i++
	}
	return i
}

// quoted reads the quoted text whose opening quote is at i.
func (l *lexer) quoted(i int) (text string, end int, err *SyntaxError) {
	j := slices.Index(l.rs[i+1:], '"')
	if j < 0 {
		return "", 0, expected(len(l.rs), "a closing quote", "for the quote opened at %d", i)
	}
	return string(l.rs[i+1 : i+1+j]), i + j + 2, nil
}

// fieldAt returns the field name that starts at i followed by ':', or "".
func (l *lexer) fieldAt(i int) string {
	for _, names := range [][]string{keywordFields, rangeFields, {regionField}} {
		for _, n := range names {
			end := i + len(n)
			if end < len(l.rs) && l.rs[end] == ':' && string(l.rs[i:end]) == n {
				return n
			}
		}
	}
	return ""
}

// field lexes name:value at i.
func (l *lexer) field(i int, name string) (int, *SyntaxError) {
	rs := l.rs
	v := i + len([]rune(name)) + 1
	t := token{kind: tField, pos: i, name: name, vpos: v}
	switch {
	case v == len(rs) || delim(rs[v]) && rs[v] != '"':
		return 0, expected(v, "a value", "after %q", name+":")
	case rs[v] == '"':
		text, end, err := l.quoted(v)
		if err != nil {
			return 0, err
		}
		t.text, t.quoted = text, true
		l.toks = append(l.toks, t)
		return end, nil
	case (rs[v] == '[' || rs[v] == '{') && slices.Contains(rangeFields, name):
		j := slices.IndexFunc(rs[v+1:], func(r rune) bool { return r == ']' || r == '}' })
		if j < 0 {
			return 0, expected(len(rs), `"]"`, "to close %q opened at %d", string(rs[v]), v)
		}
		end := v + 1 + j
		t.text, t.open, t.close = string(rs[v+1:end]), rs[v], rs[end]
		l.toks = append(l.toks, t)
		return end + 1, nil
	}
	end := l.bare(v)
	t.text = string(rs[v:end])
	l.toks = append(l.toks, t)
	return end, nil
}
