package fetch

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLText returns the plain text of an HTML fragment or page: tags
// dropped, entities decoded, scripts and styles left out, one line per
// paragraph, block or <br>. Text without markup comes back trimmed.
func HTMLText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidyLines(s)
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return tidyLines(s)
	}
	var b textBuilder
	for _, n := range nodes {
		b.walk(n, false)
	}
	return tidyLines(b.String())
}

// NodeText returns the plain text of n as HTMLText does.
func NodeText(n *html.Node) string {
	var b textBuilder
	b.walk(n, false)
	return tidyLines(b.String())
}

type textBuilder struct{ strings.Builder }

// skipped elements hold no readable text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Head: true, atom.Button: true, atom.Select: true,
}

// blocks start and end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Table: true, atom.Blockquote: true, atom.Pre: true, atom.Article: true,
	atom.Section: true, atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Dd: true, atom.Dt: true,
	atom.Dl: true, atom.Main: true, atom.Form: true, atom.Address: true,
}

func (b *textBuilder) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			b.WriteString(n.Data)
		} else {
			b.WriteString(strings.Join(strings.Fields(n.Data), " "))
			if len(n.Data) > 0 && isSpace(n.Data[len(n.Data)-1]) {
				b.WriteByte(' ')
			}
		}
		return
	case html.CommentNode, html.DoctypeNode:
		return
	case html.ElementNode:
		if skipped[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
			b.WriteByte(' ')
		}
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		b.WriteByte('\n')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.walk(c, pre || n.DataAtom == atom.Pre)
	}
	if block {
		b.WriteByte('\n')
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// tidyLines trims every line, drops blank ones and collapses the spaces
// inside lines (any Unicode space, ideographic and non-breaking
// included).
func tidyLines(s string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
