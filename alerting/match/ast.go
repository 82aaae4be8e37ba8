package match

import (
	"strconv"
	"strings"
)

// Node is a parsed expression. The concrete types are *And, *Or, *Not,
// *Term, *Near, *Score, *Attr and *Search. Parse never returns an *And or
// *Or with fewer than two children, nor one directly inside another of its
// kind. String gives the canonical expression back; parsing it gives an
// equal Node.
type Node interface{ String() string }

// And holds when all its Nodes hold (juxtaposition is AND too).
type And struct{ Nodes []Node }

// Or holds when any of its Nodes holds.
type Or struct{ Nodes []Node }

// Not holds when Node does not (NOT x, -x).
type Not struct{ Node Node }

// Term is a word or "phrase" (the two mean the same: a quoted phrase may
// hold spaces and operators) that must occur as a substring of the
// normalised text or title. Field is "" (either), "title" or "text".
// Pos is its rune offset in the expression.
type Term struct {
	Text  string
	Field string
	Pos   int
}

// Near holds when A and B occur in the same field with at most N
// characters between them, in either order: NEAR(a, b, N).
type Near struct {
	A, B  *Term
	N     int
	Field string
	Pos   int
}

// Score compares a number of the doc: Name is category (ID is the
// category id), risk or sentiment; Op is one of >= > <= < =.
// category:ID alone is category:ID > 0.
type Score struct {
	Name  string
	ID    string
	Op    string
	Value float64
	Pos   int
}

// Attr is source:, kind: or region: with its Value.
type Attr struct {
	Name  string
	Value string
	Pos   int
}

// Search is search:NAME, replaced by the saved search's expression when
// Compile resolves it.
type Search struct {
	Name string
	Pos  int
}

func (n *And) String() string {
	return list(n.Nodes, " AND ", func(c Node) bool { _, ok := c.(*Or); return ok })
}
func (n *Or) String() string { return list(n.Nodes, " OR ", func(Node) bool { return false }) }

func (n *Not) String() string {
	switch n.Node.(type) {
	case *And, *Or:
		return "NOT (" + n.Node.String() + ")"
	}
	return "NOT " + n.Node.String()
}

func (n *Term) String() string { return scope(n.Field) + n.text() }

// text is the term without its scope, quoted when it would not read back
// as one bare word.
func (n *Term) text() string {
	if needsQuote(n.Text) {
		return `"` + n.Text + `"`
	}
	return n.Text
}

func (n *Near) String() string {
	return scope(n.Field) + "NEAR(" + n.A.text() + ", " + n.B.text() + ", " + strconv.Itoa(n.N) + ")"
}

func (n *Score) String() string {
	name := n.Name
	if n.Name == "category" {
		name = "category:" + quoteValue(n.ID)
		if n.Op == ">" && n.Value == 0 {
			return name
		}
	}
	return name + " " + n.Op + " " + strconv.FormatFloat(n.Value, 'g', -1, 64)
}

func (n *Attr) String() string   { return n.Name + ":" + quoteValue(n.Value) }
func (n *Search) String() string { return "search:" + quoteValue(n.Name) }

func scope(field string) string {
	if field == "" {
		return ""
	}
	return field + ":"
}

func list(ns []Node, sep string, paren func(Node) bool) string {
	var b strings.Builder
	for i, c := range ns {
		if i > 0 {
			b.WriteString(sep)
		}
		if paren(c) {
			b.WriteString("(" + c.String() + ")")
		} else {
			b.WriteString(c.String())
		}
	}
	return b.String()
}

// needsQuote reports whether a bare word would lex as something else.
func needsQuote(s string) bool {
	if s == "" || s[0] == '-' || isKeyword(s) || fieldPrefix([]rune(s), 0) != "" || scoreName(s) {
		return true
	}
	for _, r := range s {
		if delim(fold(r)) {
			return true
		}
	}
	return false
}

func quoteValue(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return delim(fold(r)) }) {
		return `"` + s + `"`
	}
	return s
}
