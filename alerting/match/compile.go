package match

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/yuqing-dev/yuqing/analysis"
)

// Options configure Compile.
type Options struct {
	// SavedSearch returns the expression saved under name; an error
	// (not found, say) makes every rule that uses search:NAME fail to
	// compile. Nil means expressions may not use search:.
	SavedSearch func(name string) (string, error)
}

// Set is many rules compiled into one evaluator: every literal of every
// rule is a key of one automaton over the normalised text, and a rule is
// evaluated only when something it needs was found (see trigger). A Set is
// read-only after Compile and safe for concurrent use.
type Set struct {
	rules  []rule // sorted by id
	ac     *automaton
	keys   []string  // normalised literals, automaton key i
	byKey  [][]int32 // automaton key → rules it triggers
	byCat  map[string][]int32
	bySrc  map[string][]int32
	byKind map[string][]int32
	always []int32   // rules evaluated for every doc
	prog   []instr   // programs of all rules
	leafs  []*cnode  // leaves the programs refer to
	pool   sync.Pool // of *state
}

type rule struct {
	id     string
	root   *cnode
	prog   [2]int32 // Set.prog[prog[0]:prog[1]] evaluates root
	leaves int      // for sizing explanations
}

// Compile compiles rule id → expression. Every rule is checked: the
// error joins a *RuleError per failing rule, in id order, each wrapping a
// *SyntaxError with the position in that rule's expression.
func Compile(exprs map[string]string, o Options) (*Set, error) {
	ids := make([]string, 0, len(exprs))
	for id := range exprs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	c := &compiler{opts: o, keyIDs: map[string]int32{}, saved: map[string]Node{}}
	s := &Set{byCat: map[string][]int32{}, bySrc: map[string][]int32{}, byKind: map[string][]int32{}}
	var errs []error
	for _, id := range ids {
		root, err := c.rule(exprs[id])
		if err != nil {
			errs = append(errs, &RuleError{RuleID: id, Err: err})
			continue
		}
		s.rules = append(s.rules, rule{id: id, root: root, leaves: leaves(root)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.keys = c.keys
	s.ac = buildAutomaton(c.keys)
	s.byKey = make([][]int32, len(c.keys))
	pop := make([]int32, len(c.keys))
	for _, r := range s.rules {
		count(r.root, pop)
	}
	for i := range s.rules {
		r := &s.rules[i]
		s.index(int32(i), r.root, pop)
		r.prog[0] = int32(len(s.prog))
		s.prog, s.leafs = emit(r.root, s.prog, s.leafs)
		r.prog[1] = int32(len(s.prog))
	}
	return s, nil
}

// index files rule i under what triggers it, or under always.
func (s *Set) index(i int32, root *cnode, pop []int32) {
	ts, ok := trigger(root, pop)
	if !ok {
		s.always = append(s.always, i)
		return
	}
	for _, t := range ts {
		switch t.kind {
		case 'k':
			if l := s.byKey[t.key]; len(l) == 0 || l[len(l)-1] != i {
				s.byKey[t.key] = append(l, i)
			}
		case 'c':
			s.byCat[t.value] = appendOnce(s.byCat[t.value], i)
		case 's':
			s.bySrc[t.value] = appendOnce(s.bySrc[t.value], i)
		case 'n':
			s.byKind[t.value] = appendOnce(s.byKind[t.value], i)
		}
	}
}

func appendOnce(l []int32, i int32) []int32 {
	if len(l) > 0 && l[len(l)-1] == i {
		return l
	}
	return append(l, i)
}

// Len is the number of rules in the Set.
func (s *Set) Len() int { return len(s.rules) }

type savedResult struct {
	node Node
	err  *SyntaxError
}

type compiler struct {
	opts   Options
	keys   []string
	keyIDs map[string]int32
	saved  map[string]Node // resolved saved searches by name
}

// rule parses and resolves one expression and compiles it.
func (c *compiler) rule(expr string) (*cnode, error) {
	n, serr := parse(expr)
	if serr != nil {
		return nil, serr
	}
	if n, serr = c.resolve(n, -1, nil); serr != nil {
		return nil, serr
	}
	return c.compile(n), nil
}

// resolve replaces saved searches in n by their expressions. at is the
// position of the search: clause of the rule being resolved (-1 in the
// rule itself), stack the names being resolved, to find cycles.
func (c *compiler) resolve(n Node, at int, stack []string) (Node, *SyntaxError) {
	switch n := n.(type) {
	case *And:
		return c.resolveAll(n.Nodes, at, stack, true)
	case *Or:
		return c.resolveAll(n.Nodes, at, stack, false)
	case *Not:
		inner, err := c.resolve(n.Node, at, stack)
		if err != nil {
			return nil, err
		}
		return &Not{Node: inner}, nil
	case *Search:
		if at < 0 {
			at = n.Pos
		}
		return c.search(n.Name, at, stack)
	}
	return n, nil
}

func (c *compiler) resolveAll(ns []Node, at int, stack []string, and bool) (Node, *SyntaxError) {
	out := make([]Node, len(ns))
	for i, x := range ns {
		var err *SyntaxError
		if out[i], err = c.resolve(x, at, stack); err != nil {
			return nil, err
		}
	}
	return join(out, and), nil
}

// search resolves the saved search name, reporting errors at at.
func (c *compiler) search(name string, at int, stack []string) (Node, *SyntaxError) {
	if slices.Contains(stack, name) {
		return nil, errAt(at, "saved search cycle: %s", strings.Join(append(stack, name), " → "))
	}
	if len(stack) >= maxSavedDepth {
		return nil, errAt(at, "saved searches nested more than %d deep", maxSavedDepth)
	}
	if n, ok := c.saved[name]; ok {
		return n, nil
	}
	r := c.lookup(name, at, stack)
	if r.err == nil {
		// Success does not depend on the path (a cycle through name would
		// fail from name alone); errors carry the position, so are not kept.
		c.saved[name] = r.node
	}
	return r.node, r.err
}

// maxSavedDepth bounds saved searches that use saved searches.
const maxSavedDepth = 16

func (c *compiler) lookup(name string, at int, stack []string) savedResult {
	if c.opts.SavedSearch == nil {
		return savedResult{err: &SyntaxError{Pos: at, Msg: fmt.Sprintf("saved search %q: %v", name, ErrNoSavedSearches), Err: ErrNoSavedSearches}}
	}
	expr, err := c.opts.SavedSearch(name)
	if err != nil {
		return savedResult{err: &SyntaxError{Pos: at, Msg: fmt.Sprintf("saved search %q: %v", name, err), Err: err}}
	}
	n, serr := parse(expr)
	if serr != nil {
		return savedResult{err: &SyntaxError{Pos: at, Msg: fmt.Sprintf("saved search %q: %v", name, serr), Err: serr}}
	}
	n, serr = c.resolve(n, at, append(slices.Clip(stack), name))
	return savedResult{node: n, err: serr}
}

// normalize is how both patterns and docs are prepared for matching.
func normalize(s string) string { return analysis.Normalize(s).Text }

// key returns the automaton key of a literal, adding it.
func (c *compiler) key(text string) int32 {
	k := normalize(text)
	if id, ok := c.keyIDs[k]; ok {
		return id
	}
	id := int32(len(c.keys))
	c.keys = append(c.keys, k)
	c.keyIDs[k] = id
	return id
}
