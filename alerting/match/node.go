package match

import (
	"math"
	"strings"
)

type opCode uint8

const (
	opAnd opCode = iota
	opOr
	opNot
	opTerm
	opNear
	opCategory
	opRisk
	opSentiment
	opSource
	opKindEq
	opRegion
)

// Fields of a doc that literals are matched in; a scope of fieldAny
// matches either.
const (
	fieldAny uint8 = iota
	fieldText
	fieldTitle
)

var fieldNames = [...]string{fieldText: "text", fieldTitle: "title"}

// cnode is a compiled Node.
type cnode struct {
	op        opCode
	kids      []*cnode
	key, key2 int32   // automaton keys of a term or NEAR
	field     uint8   // scope of a term or NEAR
	n         int32   // NEAR distance
	cmp       string  // comparison of a score
	value     float64 // compared with
	str       string  // category id, source, kind or region
	clause    string  // canonical text, for explanations
}

func (c *compiler) compile(n Node) *cnode {
	switch n := n.(type) {
	case *And:
		return &cnode{op: opAnd, kids: c.compileAll(n.Nodes)}
	case *Or:
		return &cnode{op: opOr, kids: c.compileAll(n.Nodes)}
	case *Not:
		return &cnode{op: opNot, kids: []*cnode{c.compile(n.Node)}, clause: n.String()}
	case *Term:
		return &cnode{op: opTerm, key: c.key(n.Text), field: scopeField(n.Field), clause: n.String()}
	case *Near:
		return &cnode{op: opNear, key: c.key(n.A.Text), key2: c.key(n.B.Text), n: int32(n.N),
			field: scopeField(n.Field), clause: n.String()}
	case *Score:
		op := map[string]opCode{"category": opCategory, "risk": opRisk, "sentiment": opSentiment}[n.Name]
		return &cnode{op: op, cmp: n.Op, value: n.Value, str: n.ID, clause: n.String()}
	case *Attr:
		op := map[string]opCode{"source": opSource, "kind": opKindEq, "region": opRegion}[n.Name]
		return &cnode{op: op, str: n.Value, clause: n.String()}
	}
	panic("match: compiling unresolved " + n.String()) // resolve removed every *Search
}

func (c *compiler) compileAll(ns []Node) []*cnode {
	out := make([]*cnode, len(ns))
	for i, n := range ns {
		out[i] = c.compile(n)
	}
	return out
}

func scopeField(s string) uint8 {
	switch s {
	case "text":
		return fieldText
	case "title":
		return fieldTitle
	}
	return fieldAny
}

// compare reports whether v op x holds; = allows for float rounding.
func compare(v float64, op string, x float64) bool {
	switch op {
	case ">=":
		return v >= x
	case ">":
		return v > x
	case "<=":
		return v <= x
	case "<":
		return v < x
	}
	return math.Abs(v-x) < 1e-9
}

// trig is something found in a doc that a rule needs: an automaton key
// ('k'), a category or an ancestor of one ('c'), a source ('s') or a kind
// ('n').
type trig struct {
	kind  byte
	key   int32
	value string
}

// trigger returns things at least one of which a doc must have for n to
// hold, or false when n can hold without any (NOT, risk, sentiment,
// region, or a category compared so that 0 passes). For an AND, and for
// the two words of a NEAR, it picks the cheapest: pop counts the rules
// using each key, a stand-in for how often a post has it (a word many
// rules share is a common word); categories, sources and kinds are
// assumed commoner than most words.
func trigger(n *cnode, pop []int32) ([]trig, bool) {
	switch n.op {
	case opAnd:
		var best []trig
		found := false
		for _, k := range n.kids {
			if ts, ok := trigger(k, pop); ok && (!found || cost(ts, pop) < cost(best, pop)) {
				best, found = ts, true
			}
		}
		return best, found
	case opOr:
		var all []trig
		for _, k := range n.kids {
			ts, ok := trigger(k, pop)
			if !ok {
				return nil, false
			}
			all = append(all, ts...)
		}
		return all, true
	case opTerm:
		return []trig{{kind: 'k', key: n.key}}, true
	case opNear:
		if pop[n.key2] < pop[n.key] {
			return []trig{{kind: 'k', key: n.key2}}, true
		}
		return []trig{{kind: 'k', key: n.key}}, true
	case opCategory:
		return []trig{{kind: 'c', value: n.str}}, !compare(0, n.cmp, n.value)
	case opSource:
		return []trig{{kind: 's', value: n.str}}, true
	case opKindEq:
		return []trig{{kind: 'n', value: n.str}}, true
	}
	return nil, false
}

func cost(ts []trig, pop []int32) int {
	c := 0
	for _, t := range ts {
		switch t.kind {
		case 'k':
			c += int(pop[t.key])
		case 'c':
			c += 1000
		default:
			c += 10000
		}
	}
	return c
}

// count adds the keys n uses to pop.
func count(n *cnode, pop []int32) {
	switch n.op {
	case opTerm:
		pop[n.key]++
	case opNear:
		pop[n.key]++
		pop[n.key2]++
	}
	for _, k := range n.kids {
		count(k, pop)
	}
}

// hasPrefixSep reports whether s is p or starts with p followed by sep.
func hasPrefixSep(s, p string, sep byte) bool {
	return s == p || len(s) > len(p) && s[len(p)] == sep && strings.HasPrefix(s, p)
}

// leaves counts the leaves and NOTs of n: an explanation has at most two
// Hits for each.
func leaves(n *cnode) int {
	if len(n.kids) == 0 || n.op == opNot {
		return 1
	}
	c := 0
	for _, k := range n.kids {
		c += leaves(k)
	}
	return c
}
