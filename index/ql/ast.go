package ql

import (
	"strconv"
	"strings"
)

// Node is a parsed query. The concrete types are *And, *Or, *Not, *Word,
// *Phrase, *Field, *Region and *Range; Parse never returns an *And or *Or
// with fewer than two children, nor one directly inside another of its kind.
//
// String is the canonical form that golden tests compare, e.g.
// (AND (word "火灾") (NOT (field source "weibo"))). Format gives the query
// syntax back.
type Node interface{ String() string }

// And matches documents that match all its Nodes.
type And struct{ Nodes []Node }

// Or matches documents that match any of its Nodes.
type Or struct{ Nodes []Node }

// Not matches the documents Node does not match.
type Not struct{ Node Node }

// Word matches documents whose text, or whose title, has every word the
// segmenter finds in Text. Pos is its rune offset in the query.
type Word struct {
	Text string
	Pos  int
}

// Phrase matches documents whose text or title has Text's words in order.
type Phrase struct {
	Text string
	Pos  int
}

// Field is a filter on a keyword field: Name is one of source, kind,
// category, cluster and author (the names of the language, not of the
// index). With Prefix set it matches values that start with Value. A
// category matches Value and the categories under it (Value + ".").
// Pos is the rune offset of the field name.
type Field struct {
	Name   string
	Value  string
	Prefix bool
	Pos    int
}

// Region matches documents that mention the place Name, resolved by
// Compile through the gazetteer. Pos is the rune offset of the name.
type Region struct {
	Name string
	Pos  int
}

// Range bounds a numeric field (risk, sentiment) or the publication time
// (time). Pos is the rune offset of the field name.
type Range struct {
	Field  string
	Lo, Hi Bound
	Pos    int
}

// Bound is one end of a Range. Value is a number for risk and sentiment;
// for time a date (2026-11-01, the whole day), a date-time (RFC 3339, or
// without zone in Options.Location) or now, now-24h, now+1d. An empty
// Value leaves that end open.
type Bound struct {
	Value     string
	Inclusive bool
}

func (n *And) String() string { return list("AND", n.Nodes) }
func (n *Or) String() string  { return list("OR", n.Nodes) }
func (n *Not) String() string { return "(NOT " + str(n.Node) + ")" }

func (n *Word) String() string   { return "(word " + strconv.Quote(n.Text) + ")" }
func (n *Phrase) String() string { return "(phrase " + strconv.Quote(n.Text) + ")" }
func (n *Region) String() string { return "(region " + strconv.Quote(n.Name) + ")" }

func (n *Field) String() string {
	kind := "field"
	if n.Prefix {
		kind = "prefix"
	}
	return "(" + kind + " " + n.Name + " " + strconv.Quote(n.Value) + ")"
}

func (n *Range) String() string {
	var b strings.Builder
	b.WriteString("(range " + n.Field)
	if n.Lo.Value != "" {
		b.WriteString(" >" + eq(n.Lo.Inclusive) + n.Lo.Value)
	}
	if n.Hi.Value != "" {
		b.WriteString(" <" + eq(n.Hi.Inclusive) + n.Hi.Value)
	}
	b.WriteString(")")
	return b.String()
}

func eq(inclusive bool) string {
	if inclusive {
		return "="
	}
	return ""
}

func list(op string, ns []Node) string {
	var b strings.Builder
	b.WriteString("(" + op)
	for _, n := range ns {
		b.WriteString(" " + str(n))
	}
	b.WriteString(")")
	return b.String()
}

// str is n.String(), also for a nil Node.
func str(n Node) string {
	if n == nil {
		return "(all)"
	}
	return n.String()
}
