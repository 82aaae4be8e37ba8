package match

import (
	"math"
	"strconv"
	"strings"
)

// MaxDepth bounds the nesting of groups and NOTs in an expression.
const MaxDepth = 100

// MaxNear is the largest distance NEAR accepts.
const MaxNear = 10000

// Parse parses a match expression. An empty expression is an error (a
// rule that matches every post is almost always a mistake). Any error is
// a *SyntaxError. Saved searches stay *Search nodes; Compile resolves them.
func Parse(expr string) (Node, error) {
	n, err := parse(expr)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func parse(expr string) (Node, *SyntaxError) {
	toks, serr := lex(expr)
	if serr != nil {
		return nil, serr
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, errAt(0, "empty expression")
	}
	n, serr := p.or()
	if serr != nil {
		return nil, serr
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	return n, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
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
	case tLParen, tMinus, tNot, tNear, tWord, tPhrase, tScope, tField:
		return true
	}
	return false
}

func (p *parser) unexpected(t token) *SyntaxError {
	switch t.kind {
	case tEOF:
		return errAt(t.pos, "unexpected end of expression")
	case tRParen:
		return errAt(t.pos, `unexpected ")" with no "(" open`)
	case tAnd, tOr:
		return errAt(t.pos, "expected a term before %q", t.text)
	}
	return errAt(t.pos, "unexpected %q", t.text)
}

// operand checks that a term follows the operator op.
func (p *parser) operand(op string) *SyntaxError {
	if p.term() {
		return nil
	}
	return errAt(p.peek().pos, "expected a term after %q", op)
}

// or = and { "OR" and } .
func (p *parser) or() (Node, *SyntaxError) {
	var nodes []Node
	for {
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		if p.peek().kind != tOr {
			return join(nodes, false), nil
		}
		p.next()
		if err := p.operand("OR"); err != nil {
			return nil, err
		}
	}
}

// and = unary { [ "AND" ] unary } .
func (p *parser) and() (Node, *SyntaxError) {
	if !p.term() {
		return nil, p.unexpected(p.peek())
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

// unary = ( "NOT" | "-" ) unary | [ scope ] primary .
func (p *parser) unary() (Node, *SyntaxError) {
	t := p.peek()
	if t.kind != tNot && t.kind != tMinus {
		return p.scoped()
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
	if err != nil {
		return nil, err
	}
	if inner, ok := n.(*Not); ok {
		return inner.Node, nil // NOT NOT x is x
	}
	return &Not{Node: n}, nil
}

// scoped parses a primary, applying a title: or text: scope before it to
// every word and NEAR inside.
func (p *parser) scoped() (Node, *SyntaxError) {
	t := p.peek()
	if t.kind != tScope {
		return p.primary()
	}
	p.next()
	if k := p.peek().kind; k != tWord && k != tPhrase && k != tNear && k != tLParen {
		return nil, errAt(p.peek().pos, "expected a word, phrase, NEAR or group after %q", t.name+":")
	}
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	if err := setScope(n, t.name); err != nil {
		return nil, err
	}
	return n, nil
}

// setScope gives every word and NEAR in n the field, unless it has one.
func setScope(n Node, field string) *SyntaxError {
	switch n := n.(type) {
	case *And:
		for _, c := range n.Nodes {
			if err := setScope(c, field); err != nil {
				return err
			}
		}
	case *Or:
		for _, c := range n.Nodes {
			if err := setScope(c, field); err != nil {
				return err
			}
		}
	case *Not:
		return setScope(n.Node, field)
	case *Term:
		if n.Field == "" {
			n.Field = field
		}
	case *Near:
		if n.Field == "" {
			n.Field, n.A.Field, n.B.Field = field, field, field
		}
	case *Score, *Attr, *Search:
		return errAt(pos(n), "%q cannot be scoped to %q", n.String(), field+":")
	}
	return nil
}

// primary = "(" or ")" | phrase | word | near | field | score .
func (p *parser) primary() (Node, *SyntaxError) {
	t := p.next()
	switch t.kind {
	case tLParen:
		return p.group(t)
	case tNear:
		return p.near(t)
	case tField:
		return p.field(t)
	case tPhrase:
		return term(t)
	case tWord:
		if scoreName(t.text) && p.peek().kind == tOp {
			return p.score(t.text, "", t.pos)
		}
		return term(t)
	}
	return nil, p.unexpected(t)
}

func term(t token) (*Term, *SyntaxError) {
	text := strings.TrimSpace(t.text)
	if normalize(text) == "" {
		return nil, errAt(t.pos, "empty word")
	}
	return &Term{Text: text, Pos: t.pos}, nil
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
		return nil, errAt(t.pos, `expected ")" to close "(" opened at %d`, open.pos)
	}
	return n, nil
}

// near parses the rest of NEAR(a, b, N).
func (p *parser) near(t token) (Node, *SyntaxError) {
	if p.next().kind != tLParen {
		return nil, errAt(t.pos+4, `expected "(" after NEAR`)
	}
	var words [2]*Term
	for i := range words {
		w := p.next()
		if w.kind != tWord && w.kind != tPhrase {
			return nil, errAt(w.pos, "expected a word or phrase in NEAR")
		}
		var err *SyntaxError
		if words[i], err = term(w); err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tComma {
			return nil, errAt(c.pos, `expected "," in NEAR`)
		}
	}
	nt := p.next()
	n, err := strconv.Atoi(nt.text)
	if nt.kind != tWord || err != nil || n < 0 || n > MaxNear {
		return nil, errAt(nt.pos, "expected a distance from 0 to %d in NEAR", MaxNear)
	}
	if c := p.next(); c.kind != tRParen {
		return nil, errAt(c.pos, `expected ")" to close NEAR at %d`, t.pos)
	}
	return &Near{A: words[0], B: words[1], N: n, Pos: t.pos}, nil
}

// field parses name:value, and for category an optional comparison.
func (p *parser) field(t token) (Node, *SyntaxError) {
	v := strings.TrimSpace(t.text)
	if v == "" {
		return nil, errAt(t.pos, "expected a value after %q", t.name+":")
	}
	switch t.name {
	case "category":
		if p.peek().kind == tOp {
			return p.score("category", v, t.pos)
		}
		return &Score{Name: "category", ID: v, Op: ">", Value: 0, Pos: t.pos}, nil
	case "search":
		return &Search{Name: v, Pos: t.pos}, nil
	}
	return &Attr{Name: t.name, Value: v, Pos: t.pos}, nil
}

// score parses the operator and number after a score name.
func (p *parser) score(name, id string, at int) (Node, *SyntaxError) {
	op := p.next()
	if op.kind != tOp {
		return nil, errAt(op.pos, "expected a comparison after %q", name)
	}
	nt := p.next()
	v, err := strconv.ParseFloat(nt.text, 64)
	if nt.kind != tWord || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, errAt(nt.pos, "expected a number after %q", op.text)
	}
	return &Score{Name: name, ID: id, Op: op.text, Value: v, Pos: at}, nil
}

// join makes an And (or an Or) of nodes, lifting the children of nested
// ones of the same kind.
func join(nodes []Node, and bool) Node {
	var out []Node
	for _, n := range nodes {
		switch n := n.(type) {
		case *And:
			if and {
				out = append(out, n.Nodes...)
				continue
			}
		case *Or:
			if !and {
				out = append(out, n.Nodes...)
				continue
			}
		}
		out = append(out, n)
	}
	switch {
	case len(out) == 1:
		return out[0]
	case and:
		return &And{Nodes: out}
	}
	return &Or{Nodes: out}
}

// pos is the rune offset of a leaf in its expression.
func pos(n Node) int {
	switch n := n.(type) {
	case *Term:
		return n.Pos
	case *Near:
		return n.Pos
	case *Score:
		return n.Pos
	case *Attr:
		return n.Pos
	case *Search:
		return n.Pos
	}
	return 0
}
