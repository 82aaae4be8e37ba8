package classify

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrRules is wrapped by every error about a rules file.
var ErrRules = errors.New("invalid classifier rules")

// Rules is a parsed rules file (see rules.yaml for the format, documented
// at its top). Lines are kept so that errors found after parsing still
// name the line of the rules file.
type Rules struct {
	Version    int            `yaml:"version"`
	Ignore     []string       `yaml:"ignore"`
	Negation   ModifierRule   `yaml:"negation"`
	Rumour     ModifierRule   `yaml:"rumour"`
	Contexts   []ContextRule  `yaml:"contexts"`
	Categories []CategoryRule `yaml:"categories"`
	Sentiment  SentimentRule  `yaml:"sentiment"`
	Risk       RiskRule       `yaml:"risk"`
}

// ModifierRule is a list of words that discount a hit near them: a
// negation within Window runes before the term, a rumour denial anywhere in
// the same sentence.
type ModifierRule struct {
	Words  []string `yaml:"words"`
	Window int      `yaml:"window"`
	Factor float64  `yaml:"factor"`
}

// ContextRule discounts the hits of some categories when one of Words
// occurs in the same document (or sentence, when Scope is "sentence").
type ContextRule struct {
	Name       string   `yaml:"name"`
	Words      []string `yaml:"words"`
	Factor     float64  `yaml:"factor"`
	Scope      string   `yaml:"scope"`
	Categories []Line   `yaml:"categories"`
	Line       int      `yaml:"-"`
}

// CategoryRule holds the evidence for one category.
type CategoryRule struct {
	ID       Line          `yaml:"id"`
	Severity float64       `yaml:"severity"`
	Terms    Weights       `yaml:"terms"`
	Patterns []PatternRule `yaml:"patterns"`
	Combos   []ComboRule   `yaml:"combos"`
	Near     []NearRule    `yaml:"near"`
}

// PatternRule is a regular expression, run only where Trigger occurs in
// the text. The match must start at the trigger, unless Before lets it
// start up to that many characters earlier; it may reach After characters
// past the trigger's end (32 when zero).
type PatternRule struct {
	Match   string  `yaml:"match"`
	Trigger string  `yaml:"trigger"`
	Weight  float64 `yaml:"weight"`
	Before  int     `yaml:"before"`
	After   int     `yaml:"after"`
	Line    int     `yaml:"-"`
}

// ComboRule scores Weight when every group of All has a hit; a group is
// alternatives separated by '|'.
type ComboRule struct {
	All    []string `yaml:"all"`
	Weight float64  `yaml:"weight"`
	Line   int      `yaml:"-"`
}

// NearRule scores Weight where its groups occur in order, each starting at
// most Within characters after the previous one ends, in one sentence: a
// phrase with a gap (冻结 … 资金, 我是 … 的侄子) without a regular expression.
type NearRule struct {
	Seq    []string `yaml:"seq"`
	Within int      `yaml:"within"`
	Weight float64  `yaml:"weight"`
	Line   int      `yaml:"-"`
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (r *NearRule) UnmarshalYAML(n *yaml.Node) error {
	type plain NearRule
	if err := strictDecode(n, (*plain)(r)); err != nil {
		return err
	}
	r.Line = n.Line
	return nil
}

// SentimentRule is the sentiment lexicon.
type SentimentRule struct {
	Positive  Weights  `yaml:"positive"`
	Negative  Weights  `yaml:"negative"`
	Emoticons Weights  `yaml:"emoticons"` // signed
	Degree    Weights  `yaml:"degree"`    // multipliers
	Negators  []string `yaml:"negators"`
	Window    int      `yaml:"window"`
	Scale     float64  `yaml:"scale"`
	Exclaim   float64  `yaml:"exclaim"`
}

// RiskRule says how Risk is computed; see risk.go.
type RiskRule struct {
	NegativeBump float64 `yaml:"negative_bump"`
	NegativeOnly float64 `yaml:"negative_only"`
}

// Line is a string with the line it was read from.
type Line struct {
	S    string
	Line int
}

// Weighted is one "term: weight" entry.
type Weighted struct {
	Term   string
	Weight float64
	Line   int
}

// Weights is a YAML mapping of term to weight, kept in file order.
type Weights []Weighted

// UnmarshalYAML implements yaml.Unmarshaler.
func (l *Line) UnmarshalYAML(n *yaml.Node) error {
	l.Line = n.Line
	return n.Decode(&l.S)
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (w *Weights) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping of term: weight", n.Line)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if prev, ok := seen[k.Value]; ok {
			return fmt.Errorf("line %d: term %q already listed at line %d", k.Line, k.Value, prev)
		}
		seen[k.Value] = k.Line
		f, err := strconv.ParseFloat(v.Value, 64)
		if v.Kind != yaml.ScalarNode || err != nil {
			return fmt.Errorf("line %d: weight of %q is not a number", v.Line, k.Value)
		}
		*w = append(*w, Weighted{Term: k.Value, Weight: f, Line: k.Line})
	}
	return nil
}

// The rule types with a Line field record it by decoding through a plain
// copy of themselves.
func (c *ContextRule) UnmarshalYAML(n *yaml.Node) error {
	type plain ContextRule
	if err := strictDecode(n, (*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *PatternRule) UnmarshalYAML(n *yaml.Node) error {
	type plain PatternRule
	if err := strictDecode(n, (*plain)(p)); err != nil {
		return err
	}
	p.Line = n.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *ComboRule) UnmarshalYAML(n *yaml.Node) error {
	type plain ComboRule
	if err := strictDecode(n, (*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *CategoryRule) UnmarshalYAML(n *yaml.Node) error {
	type plain CategoryRule
	return strictDecode(n, (*plain)(c))
}

// strictDecode is n.Decode with unknown keys an error naming their line:
// yaml.v3 does not carry the decoder's KnownFields into custom unmarshalers.
func strictDecode(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			known[name] = true
		}
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
		}
	}
	return n.Decode(v)
}

// ParseRules parses and validates a rules file. Errors wrap ErrRules and
// name the line.
func ParseRules(data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrRules, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRules, err)
	}
	return &r, nil
}
