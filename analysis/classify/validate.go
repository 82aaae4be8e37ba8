package classify

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validate checks what the YAML decoder cannot: ids, ranges, regular
// expressions. Errors name the line.
func (r *Rules) validate() error {
	if r.Version != 1 {
		return fmt.Errorf("version %d: want 1", r.Version)
	}
	if err := checkModifier("negation", r.Negation); err != nil {
		return err
	}
	if err := checkModifier("rumour", r.Rumour); err != nil {
		return err
	}
	for _, c := range r.Contexts {
		if err := c.validate(); err != nil {
			return err
		}
	}
	seen := map[string]int{}
	for i := range r.Categories {
		c := &r.Categories[i]
		if prev, ok := seen[c.ID.S]; ok {
			return fmt.Errorf("line %d: category %q already defined at line %d", c.ID.Line, c.ID.S, prev)
		}
		seen[c.ID.S] = c.ID.Line
		if err := c.validate(); err != nil {
			return err
		}
	}
	return r.Sentiment.validate()
}

func checkModifier(name string, m ModifierRule) error {
	if m.Factor < 0 || m.Factor > 1 {
		return fmt.Errorf("%s: factor %v not in [0, 1]", name, m.Factor)
	}
	if m.Window < 0 {
		return fmt.Errorf("%s: negative window %d", name, m.Window)
	}
	return checkWords(name, m.Words)
}

func checkWords(where string, words []string) error {
	for _, w := range words {
		if isBuiltin(normTerm(w)) {
			return fmt.Errorf("%s: built-in %s is only for category terms, patterns and combos", where, w)
		}
		if err := checkTerm(w); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

func (c *ContextRule) validate() error {
	if c.Factor < 0 || c.Factor > 1 {
		return fmt.Errorf("line %d: context %q: factor %v not in [0, 1]", c.Line, c.Name, c.Factor)
	}
	if c.Scope != "" && c.Scope != "document" && c.Scope != "sentence" {
		return fmt.Errorf("line %d: context %q: scope %q: want document or sentence", c.Line, c.Name, c.Scope)
	}
	if len(c.Categories) == 0 {
		return fmt.Errorf("line %d: context %q: no categories", c.Line, c.Name)
	}
	for _, id := range c.Categories {
		if len(matchIDs(id.S)) == 0 {
			return fmt.Errorf("line %d: context %q: %q matches no category in the Taxonomy", id.Line, c.Name, id.S)
		}
	}
	return checkWords(fmt.Sprintf("line %d: context %q", c.Line, c.Name), c.Words)
}

// matchIDs resolves a category id or a "prefix.*" pattern to Taxonomy
// indices.
func matchIDs(pat string) []int {
	var out []int
	prefix, glob := strings.CutSuffix(pat, "*")
	for i, c := range Taxonomy {
		if c.ID == pat || glob && strings.HasPrefix(c.ID, prefix) {
			out = append(out, i)
		}
	}
	return out
}

func (c *CategoryRule) validate() error {
	if _, ok := Lookup(c.ID.S); !ok {
		return fmt.Errorf("line %d: category %q is not in the Taxonomy", c.ID.Line, c.ID.S)
	}
	if c.Severity < 0 || c.Severity > 1 {
		return fmt.Errorf("line %d: category %q: severity %v not in [0, 1]", c.ID.Line, c.ID.S, c.Severity)
	}
	for _, t := range c.Terms {
		if t.Weight <= 0 || t.Weight > 1 {
			return fmt.Errorf("line %d: term %q: weight %v not in (0, 1]", t.Line, t.Term, t.Weight)
		}
		if err := checkTerm(t.Term); err != nil {
			return fmt.Errorf("line %d: %w", t.Line, err)
		}
	}
	for _, p := range c.Patterns {
		if p.Weight <= 0 || p.Weight > 1 {
			return fmt.Errorf("line %d: pattern weight %v not in (0, 1]", p.Line, p.Weight)
		}
		for _, t := range strings.Split(p.Trigger, "|") {
			if err := checkTerm(t); err != nil {
				return fmt.Errorf("line %d: pattern %q: trigger: %w", p.Line, p.Match, err)
			}
		}
		if p.Before < 0 || p.After < 0 || p.Before > 64 || p.After > 128 {
			return fmt.Errorf("line %d: pattern window before %d, after %d: want 0..64 and 0..128", p.Line, p.Before, p.After)
		}
		if _, err := regexp.Compile(p.Match); err != nil {
			return fmt.Errorf("line %d: pattern: %w", p.Line, err)
		}
	}
	for _, cb := range c.Combos {
		if cb.Weight <= 0 || cb.Weight > 1 {
			return fmt.Errorf("line %d: combo weight %v not in (0, 1]", cb.Line, cb.Weight)
		}
		if len(cb.All) < 2 || len(cb.All) > maxGroups {
			return fmt.Errorf("line %d: combo needs 2 to %d groups, has %d", cb.Line, maxGroups, len(cb.All))
		}
		for _, g := range cb.All {
			for _, alt := range strings.Split(g, "|") {
				if err := checkTerm(alt); err != nil {
					return fmt.Errorf("line %d: combo group %q: %w", cb.Line, g, err)
				}
			}
		}
	}
	for _, nr := range c.Near {
		if nr.Weight <= 0 || nr.Weight > 1 {
			return fmt.Errorf("line %d: near weight %v not in (0, 1]", nr.Line, nr.Weight)
		}
		if len(nr.Seq) < 2 || len(nr.Seq) > maxGroups {
			return fmt.Errorf("line %d: near needs 2 to %d groups, has %d", nr.Line, maxGroups, len(nr.Seq))
		}
		if nr.Within < 0 || nr.Within > 64 {
			return fmt.Errorf("line %d: near within %d: want 0..64", nr.Line, nr.Within)
		}
		for _, g := range nr.Seq {
			for _, alt := range strings.Split(g, "|") {
				if err := checkTerm(alt); err != nil {
					return fmt.Errorf("line %d: near group %q: %w", nr.Line, g, err)
				}
			}
		}
	}
	return nil
}

func (s *SentimentRule) validate() error {
	for _, list := range []Weights{s.Positive, s.Negative, s.Emoticons, s.Degree} {
		for _, t := range list {
			if isBuiltin(normTerm(t.Term)) {
				return fmt.Errorf("line %d: built-in %s is only for category terms, patterns and combos", t.Line, t.Term)
			}
		}
	}
	for _, list := range []Weights{s.Positive, s.Negative} {
		for _, t := range list {
			if t.Weight <= 0 || t.Weight > 5 {
				return fmt.Errorf("line %d: sentiment word %q: weight %v not in (0, 5]", t.Line, t.Term, t.Weight)
			}
		}
	}
	for _, t := range s.Emoticons {
		if t.Weight == 0 || t.Weight < -5 || t.Weight > 5 {
			return fmt.Errorf("line %d: emoticon %q: weight %v not in [-5, 5] \\ {0}", t.Line, t.Term, t.Weight)
		}
	}
	for _, t := range s.Degree {
		if t.Weight <= 0 || t.Weight > 5 {
			return fmt.Errorf("line %d: degree word %q: multiplier %v not in (0, 5]", t.Line, t.Term, t.Weight)
		}
	}
	if s.Scale <= 0 {
		return fmt.Errorf("sentiment: scale %v must be positive", s.Scale)
	}
	return checkWords("sentiment negators", s.Negators)
}

// checkTerm reports a term the automaton cannot match: empty once
// separators are removed, or too long.
func checkTerm(s string) error {
	k := stripTransparent(strings.TrimPrefix(normTerm(s), "="))
	switch {
	case strings.HasPrefix(k, "<") && strings.HasSuffix(k, ">") && !isBuiltin(k):
		return fmt.Errorf("unknown built-in %s (known: %s)", s, strings.Join(builtinNames, ", "))
	case k == "":
		return fmt.Errorf("empty term %q", s)
	case utf8.RuneCountInString(k) > maxKeyRunes:
		return fmt.Errorf("term %q longer than %d characters", s, maxKeyRunes)
	}
	return nil
}

// normTerm folds a rules-file term the way the analysis stage folds Text
// (lower case, full-width ASCII to half-width) and trims spaces, so that
// analysts may type either form.
func normTerm(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	switch {
	case r == 0x3000:
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	}
	return unicode.ToLower(r)
}
