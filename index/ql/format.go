package ql

import (
	"strings"
)

// Precedence levels, loosest first.
const (
	precOr = iota
	precAnd
	precUnary
)

// Format writes n back in query syntax, in a canonical form: the same
// query, typed differently, formats the same way, and Parse(Format(n))
// has n's String(). Saved searches can store it. A nil Node formats as "".
// Format is defined for Nodes that Parse returns; hand-built Nodes with
// texts no query could produce (a word with a space) come out unparseable.
func Format(n Node) string {
	var b strings.Builder
	format(&b, n, precOr)
	return b.String()
}

func format(b *strings.Builder, n Node, ctx int) {
	switch n := n.(type) {
	case *Or:
		formatList(b, n.Nodes, " OR ", precAnd, ctx > precOr)
	case *And:
		formatList(b, n.Nodes, " ", precUnary, ctx > precAnd)
	case *Not:
		b.WriteString("-")
		format(b, n.Node, precUnary)
	case *Word:
		b.WriteString(n.Text)
	case *Phrase:
		b.WriteString(`"` + n.Text + `"`)
	case *Field:
		b.WriteString(n.Name + ":")
		if n.Prefix {
			b.WriteString(n.Value + "*")
		} else {
			b.WriteString(value(n.Value))
		}
	case *Region:
		b.WriteString(regionField + ":" + value(n.Name))
	case *Range:
		formatRange(b, n)
	}
}

func formatList(b *strings.Builder, ns []Node, sep string, prec int, parens bool) {
	if parens {
		b.WriteString("(")
	}
	for i, c := range ns {
		if i > 0 {
			b.WriteString(sep)
		}
		format(b, c, prec)
	}
	if parens {
		b.WriteString(")")
	}
}

// value is v bare if it reads back as v, quoted otherwise.
func value(v string) string {
	if v == "" || strings.HasSuffix(v, "*") || strings.IndexFunc(v, delim) >= 0 {
		return `"` + v + `"`
	}
	return v
}

func formatRange(b *strings.Builder, n *Range) {
	b.WriteString(n.Field + ":")
	lo, hi := n.Lo, n.Hi
	switch {
	case lo.Value != "" && lo == hi && lo.Inclusive:
		b.WriteString(lo.Value)
	case hi.Value == "":
		b.WriteString(">" + eq(lo.Inclusive) + lo.Value)
	case lo.Value == "":
		b.WriteString("<" + eq(hi.Inclusive) + hi.Value)
	default:
		b.WriteString(map[bool]string{true: "[", false: "{"}[lo.Inclusive])
		b.WriteString(lo.Value + " TO " + hi.Value)
		b.WriteString(map[bool]string{true: "]", false: "}"}[hi.Inclusive])
	}
}
