package match

import (
	"slices"
	"unicode"
)

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tComma
	tMinus
	tAnd
	tOr
	tNot
	tNear
	tOp
	tWord
	tPhrase
	tScope // title: or text:, applies to the next primary
	tField // name:value for category, source, kind, region, search
)

// token is one lexeme. Positions are rune offsets into the expression.
type token struct {
	kind tokKind
	pos  int
	text string // word, phrase, operator, field value
	name string // field or scope name
}

// Field names of the language, each followed by ':'.
var (
	scopes      = []string{"title", "text"}
	valueFields = []string{"category", "source", "kind", "region", "search"}
)

// fold maps the full-width forms Chinese input methods type (（）＂：＞，
// and full-width letters and digits) to ASCII, the ideographic space to a
// space, and curly quotes to '"', one rune per rune so offsets hold.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case r == '“' || r == '”' || r == '„' || r == '‟':
		return '"'
	case r == '、':
		return ','
	}
	return r
}

// delim reports whether r ends a bare word or value.
func delim(r rune) bool {
	switch r {
	case '(', ')', '"', ',', '<', '>', '=':
		return true
	}
	return unicode.IsSpace(r)
}

func isKeyword(s string) bool { return s == "AND" || s == "OR" || s == "NOT" || s == "NEAR" }

// scoreName reports whether a bare word names a score compared with an
// operator (risk > 0.8).
func scoreName(s string) bool { return s == "risk" || s == "sentiment" }

type lexer struct {
	rs   []rune
	toks []token
}

// lex splits expr into tokens, ending with a tEOF at len(runes).
func lex(expr string) ([]token, *SyntaxError) {
	rs := []rune(expr)
	for i, r := range rs {
		rs[i] = fold(r)
	}
	l := &lexer{rs: rs}
	for i := 0; i < len(rs); {
		var err *SyntaxError
		if i, err = l.one(i); err != nil {
			return nil, err
		}
	}
	l.toks = append(l.toks, token{kind: tEOF, pos: len(rs)})
	return l.toks, nil
}

func (l *lexer) add(k tokKind, pos int, text string) {
	l.toks = append(l.toks, token{kind: k, pos: pos, text: text})
}

func (l *lexer) last() tokKind {
	if len(l.toks) == 0 {
		return tEOF
	}
	return l.toks[len(l.toks)-1].kind
}

// one lexes the token at i, if any, and returns where the next may start.
func (l *lexer) one(i int) (int, *SyntaxError) {
	rs := l.rs
	switch r := rs[i]; {
	case unicode.IsSpace(r):
		return i + 1, nil
	case r == '(' || r == ')' || r == ',':
		k := tComma
		switch r {
		case '(':
			k = tLParen
		case ')':
			k = tRParen
		}
		l.add(k, i, string(r))
		return i + 1, nil
	case r == '<' || r == '>' || r == '=':
		end := i + 1
		if r != '=' && end < len(rs) && rs[end] == '=' {
			end++
		}
		l.add(tOp, i, string(rs[i:end]))
		return end, nil
	case r == '"':
		text, end, err := l.quoted(i)
		if err != nil {
			return 0, err
		}
		l.add(tPhrase, i, text)
		return end, nil
	case r == '-' && l.last() != tOp && i+1 < len(rs) && !delim(rs[i+1]):
		l.add(tMinus, i, "-")
		return i + 1, nil
	}
	if name := fieldPrefix(rs, i); name != "" {
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
	case "NEAR":
		if end < len(rs) && rs[end] == '(' {
			t.kind = tNear
		}
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
		return "", 0, errAt(len(l.rs), "expected a closing quote for the quote opened at %d", i)
	}
	return string(l.rs[i+1 : i+1+j]), i + j + 2, nil
}

// fieldPrefix returns the field or scope name that starts at i followed
// by ':', or "".
func fieldPrefix(rs []rune, i int) string {
	for _, names := range [][]string{scopes, valueFields} {
		for _, n := range names {
			end := i + len(n)
			if end < len(rs) && rs[end] == ':' && string(rs[i:end]) == n {
				return n
			}
		}
	}
	return ""
}

// field lexes name:value (or a scope name:) at i.
func (l *lexer) field(i int, name string) (int, *SyntaxError) {
	rs := l.rs
	v := i + len(name) + 1
	if v == len(rs) || unicode.IsSpace(rs[v]) || (delim(rs[v]) && rs[v] != '"' && rs[v] != '(') {
		return 0, errAt(v, "expected a value after %q", name+":")
	}
	if slices.Contains(scopes, name) {
		l.toks = append(l.toks, token{kind: tScope, pos: i, name: name})
		return v, nil
	}
	t := token{kind: tField, pos: i, name: name}
	switch rs[v] {
	case '"':
		text, end, err := l.quoted(v)
		if err != nil {
			return 0, err
		}
		t.text = text
		l.toks = append(l.toks, t)
		return end, nil
	case '(':
		return 0, errAt(v, "expected a value after %q", name+":")
	}
	end := l.bare(v)
	t.text = string(rs[v:end])
	l.toks = append(l.toks, t)
	return end, nil
}
