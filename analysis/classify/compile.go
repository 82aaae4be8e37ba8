package classify

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed rules.yaml
var defaultRules []byte

// DefaultRules returns the embedded rules file, for tools that show or
// edit it.
func DefaultRules() []byte { return append([]byte(nil), defaultRules...) }

var (
	defaultOnce sync.Once
	defaultCl   *RuleClassifier
	defaultErr  error
)

// Default returns the built-in explainable classifier, compiled once per
// process from the embedded rules.yaml. It is safe for concurrent use.
func Default() (Classifier, error) {
	defaultOnce.Do(func() {
		var r *Rules
		if r, defaultErr = ParseRules(defaultRules); defaultErr == nil {
			defaultCl, defaultErr = New(r)
		}
	})
	if defaultErr != nil {
		return nil, fmt.Errorf("loading embedded classifier rules: %w", defaultErr)
	}
	return defaultCl, nil
}

// payload kinds: what a key of the automaton means.
const (
	pTerm     uint8 = iota // category evidence
	pTrigger               // runs a pattern
	pCombo                 // member of a combination rule
	pNear                  // member of a near rule
	pNegation              // negation word (categories)
	pRumour                // rumour denial
	pContext               // context word
	pIgnore                // hits inside it are ignored
	pBreak                 // ends a sentence
	pClause                // ends a clause
	pSentWord              // sentiment word, signed weight
	pDegree                // degree adverb, multiplier
	pNegator               // sentiment negator
	pEmoticon              // signed weight, no alignment needed
)

type payload struct {
	kind    uint8
	aligned bool  // must start and end on word boundaries (when Words are known)
	cat     int16 // Taxonomy index for pTerm, pCombo
	group   int8  // group for pCombo and pNear
	idx     int32 // pattern, combo or context index
	w       float64
}

type pattern struct {
	re            *regexp.Regexp
	cat           int16
	w             float64
	before, after int // characters around the trigger
}

const maxGroups = 4

// defaultAfter is how many characters after its trigger a pattern may
// reach when the rule does not say.
const defaultAfter = 32

// Punctuation as it appears in normalised Text (full-width forms are
// already folded to ASCII, 。 and 、 are not).
var (
	sentenceEnds = []string{"。", "!", "?", ";", "…"}
	clauseEnds   = []string{",", "、", ":", "~"}
)

type combo struct {
	cat    int16
	w      float64
	groups int
}

type near struct {
	cat    int16
	w      float64
	within int
	groups int
}

type context struct {
	name     string
	factor   float64
	sentence bool
	cats     []bool // by Taxonomy index
}

// RuleClassifier is the Classifier built from a rules file.
type RuleClassifier struct {
	ac       *automaton
	keys     []string
	payloads [][]payload // by key id
	patterns []pattern
	combos   []combo
	nears    []near
	contexts []context
	severity []float64 // by Taxonomy index
	negation ModifierRule
	rumour   ModifierRule
	senti    SentimentRule
	risk     RiskRule
	parent   []int // Taxonomy index of parent or -1
	pool     sync.Pool
	// keys of the built-in number detectors, -1 when no rule uses them
	phoneKey, accountKey int32
}

var _ Classifier = (*RuleClassifier)(nil)

// New validates rules (ParseRules already has) and compiles them into a
// classifier. Errors wrap ErrRules.
func New(r *Rules) (*RuleClassifier, error) {
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRules, err)
	}
	c := &RuleClassifier{negation: r.Negation, rumour: r.Rumour, senti: r.Sentiment, risk: r.Risk}
	c.severity = make([]float64, len(Taxonomy))
	c.parent = make([]int, len(Taxonomy))
	for i, t := range Taxonomy {
		c.parent[i] = -1
		if t.Parent != "" {
			c.parent[i] = matchIDs(t.Parent)[0]
		}
	}
	b := &builder{c: c, ids: map[string]int32{}}
	b.modifiers(r)
	for _, cr := range r.Categories {
		if err := b.category(cr); err != nil {
			return nil, err
		}
	}
	b.sentiment(r.Sentiment)
	b.automaton()
	c.pool.New = func() any { return new(scratch) }
	return c, nil
}

// builder collects the automaton keys and what each one means.
type builder struct {
	c   *RuleClassifier
	ids map[string]int32
}

// add gives term (as written in the rules file) the payload p.
func (b *builder) add(term string, p payload) {
	c := b.c
	term, exact := strings.CutPrefix(normTerm(term), "=")
	term = stripTransparent(term)
	if isBuiltin(term) {
		term = builtinKey(term)
	}
	p.aligned = p.aligned || exact
	id, ok := b.ids[term]
	if !ok {
		id = int32(len(c.keys))
		b.ids[term] = id
		c.keys = append(c.keys, term)
		c.payloads = append(c.payloads, nil)
	}
	c.payloads[id] = append(c.payloads[id], p)
}

func (b *builder) modifiers(r *Rules) {
	for _, w := range r.Ignore {
		b.add(w, payload{kind: pIgnore})
	}
	for _, w := range sentenceEnds {
		b.add(w, payload{kind: pBreak})
	}
	for _, w := range clauseEnds {
		b.add(w, payload{kind: pClause})
	}
	for _, w := range r.Negation.Words {
		b.add(w, payload{kind: pNegation, aligned: true})
	}
	for _, w := range r.Rumour.Words {
		b.add(w, payload{kind: pRumour})
	}
	for i, cx := range r.Contexts {
		ctx := context{name: cx.Name, factor: cx.Factor, sentence: cx.Scope == "sentence", cats: make([]bool, len(Taxonomy))}
		for _, id := range cx.Categories {
			for _, j := range matchIDs(id.S) {
				ctx.cats[j] = true
			}
		}
		b.c.contexts = append(b.c.contexts, ctx)
		for _, w := range cx.Words {
			b.add(w, payload{kind: pContext, idx: int32(i)})
		}
	}
}

func (b *builder) category(cr CategoryRule) error {
	c := b.c
	cat := int16(matchIDs(cr.ID.S)[0])
	c.severity[cat] = cr.Severity
	for _, t := range cr.Terms {
		b.add(t.Term, payload{kind: pTerm, cat: cat, w: t.Weight})
	}
	for _, p := range cr.Patterns {
		expr := p.Match
		if p.Before == 0 {
			expr = "^(?:" + expr + ")"
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrRules, p.Line, err)
		}
		for _, t := range strings.Split(p.Trigger, "|") {
			b.add(t, payload{kind: pTrigger, idx: int32(len(c.patterns))})
		}
		after := p.After
		if after == 0 {
			after = defaultAfter
		}
		c.patterns = append(c.patterns, pattern{re: re, cat: cat, w: p.Weight, before: p.Before, after: after})
	}
	for _, cb := range cr.Combos {
		idx := int32(len(c.combos))
		c.combos = append(c.combos, combo{cat: cat, w: cb.Weight, groups: len(cb.All)})
		for g, alts := range cb.All {
			for _, alt := range strings.Split(alts, "|") {
				b.add(alt, payload{kind: pCombo, cat: cat, group: int8(g), idx: idx})
			}
		}
	}
	for _, nr := range cr.Near {
		idx := int32(len(c.nears))
		c.nears = append(c.nears, near{cat: cat, w: nr.Weight, within: nr.Within, groups: len(nr.Seq)})
		for g, alts := range nr.Seq {
			for _, alt := range strings.Split(alts, "|") {
				b.add(alt, payload{kind: pNear, cat: cat, group: int8(g), idx: idx})
			}
		}
	}
	return nil
}

func (b *builder) sentiment(s SentimentRule) {
	for _, t := range s.Positive {
		b.add(t.Term, payload{kind: pSentWord, aligned: true, w: t.Weight})
	}
	for _, t := range s.Negative {
		b.add(t.Term, payload{kind: pSentWord, aligned: true, w: -t.Weight})
	}
	for _, t := range s.Emoticons {
		// "[爱你]" also matches the variants "[爱你哦]", "[爱你们]".
		b.add(strings.TrimSuffix(normTerm(t.Term), "]"), payload{kind: pEmoticon, w: t.Weight})
	}
	for _, t := range s.Degree {
		b.add(t.Term, payload{kind: pDegree, aligned: true, w: t.Weight})
	}
	for _, w := range s.Negators {
		b.add(w, payload{kind: pNegator, aligned: true})
	}
}

// automaton builds the automaton over every key but the built-ins, which
// their own detector reports.
func (b *builder) automaton() {
	c := b.c
	acKeys := slices.Clone(c.keys)
	c.phoneKey, c.accountKey = -1, -1
	if id, ok := b.ids[builtinKey("<phone>")]; ok {
		c.phoneKey, acKeys[id] = id, ""
	}
	if id, ok := b.ids[builtinKey("<account>")]; ok {
		c.accountKey, acKeys[id] = id, ""
	}
	c.ac = buildAutomaton(acKeys)
}
