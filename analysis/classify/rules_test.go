package classify

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultRules(t *testing.T) {
	r, err := ParseRules(DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, c := range r.Categories {
		if _, ok := Lookup(c.ID.S); !ok {
			t.Errorf("line %d: category %q not in the Taxonomy", c.ID.Line, c.ID.S)
		}
		have[c.ID.S] = true
	}
	for _, c := range Taxonomy {
		if !have[c.ID] {
			t.Errorf("Taxonomy category %s has no rules", c.ID)
		}
		if c.Name == "" {
			t.Errorf("Taxonomy category %s has no display name", c.ID)
		}
		if c.Parent != "" {
			if _, ok := Lookup(c.Parent); !ok || !strings.HasPrefix(c.ID, c.Parent+".") {
				t.Errorf("category %s: bad parent %q", c.ID, c.Parent)
			}
		}
	}
	if _, err := New(r); err != nil {
		t.Fatal(err)
	}
}

// minimal is the smallest valid rules file; the cases below break it.
const minimal = `version: 1
sentiment:
  scale: 2
categories:
  - id: incident.fire
    severity: 0.8
    terms: {火灾: 0.6}
`

func TestParseRulesErrors(t *testing.T) {
	if _, err := ParseRules([]byte(minimal)); err != nil {
		t.Fatalf("minimal rules: %v", err)
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown category", strings.Replace(minimal, "incident.fire", "incident.volcano", 1), `line 5: category "incident.volcano" is not in the Taxonomy`},
		{"unknown key in category", minimal + "    colour: red\n", `line 8: unknown key "colour"`},
		{"unknown top-level key", minimal + "extra: 1\n", `line 8: field extra not found`},
		{"weight out of range", strings.Replace(minimal, "火灾: 0.6", "火灾: 1.5", 1), `line 7: term "火灾": weight 1.5`},
		{"weight not a number", strings.Replace(minimal, "火灾: 0.6", "火灾: high", 1), `line 7: weight of "火灾" is not a number`},
		{"duplicate term", strings.Replace(minimal, "火灾: 0.6", "火灾: 0.6, 火灾: 0.5", 1), `line 7: term "火灾" already listed at line 7`},
		{"bad regexp", minimal + "    patterns:\n      - {match: '(火', trigger: 火, weight: 0.5}\n", `line 9: pattern: error parsing regexp`},
		{"pattern without trigger", minimal + "    patterns:\n      - {match: '火', weight: 0.5}\n", `line 9: pattern "火": trigger: empty term ""`},
		{"one-group near", minimal + "    near:\n      - {seq: [火], within: 3, weight: 0.5}\n", `line 9: near needs 2 to 4 groups`},
		{"near too wide", minimal + "    near:\n      - {seq: [火, 灾], within: 100, weight: 0.5}\n", `line 9: near within 100`},
		{"unknown built-in", minimal + "    combos:\n      - {all: [<email>, 火], weight: 0.5}\n", `unknown built-in <email>`},
		{"one-group combo", minimal + "    combos:\n      - {all: [火], weight: 0.5}\n", `line 9: combo needs 2 to 4 groups`},
		{"empty alternative", minimal + "    combos:\n      - {all: ['火|', 烟], weight: 0.5}\n", `line 9: combo group "火|": empty term ""`},
		{"duplicate category", minimal + "  - id: incident.fire\n    severity: 0.5\n", `line 8: category "incident.fire" already defined at line 5`},
		{"context category", minimal + "contexts:\n  - {name: x, words: [演习], factor: 0.2, categories: [flood.*]}\n", `line 9: context "x": "flood.*" matches no category`},
		{"context scope", minimal + "contexts:\n  - {name: x, words: [演习], factor: 0.2, scope: page, categories: [incident.*]}\n", `line 9: context "x": scope "page"`},
		{"bad yaml", minimal + "  - id: [\n", `line 8`},
		{"wrong version", strings.Replace(minimal, "version: 1", "version: 2", 1), `version 2: want 1`},
		{"no scale", strings.Replace(minimal, "  scale: 2\n", "  window: 2\n", 1), `scale 0 must be positive`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tc.file))
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.file)
			}
			if !errors.Is(err, ErrRules) {
				t.Errorf("error %v does not wrap ErrRules", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestCustomRules builds a classifier from a small rules file, as an
// analyst editing rules would, and checks each rule kind end to end.
func TestCustomRules(t *testing.T) {
	r, err := ParseRules([]byte(minimal + `    patterns:
      - {match: '火[灾情]', trigger: 火, weight: 0.3}
    combos:
      - {all: [浓烟, 消防|119], weight: 0.5}
    near:
      - {seq: [仓库, 着火], within: 3, weight: 0.4}
  - id: drugs
    severity: 0.8
    terms: {=冰: 0.6}
negation: {words: [没有], window: 3, factor: 0.5}
contexts:
  - {name: drill, words: [演习], factor: 0.2, categories: [incident.*]}
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	score := func(text string, words ...string) map[string]float64 {
		return c.Classify(in(text, words...)).Categories
	}
	if s := score("火情")[IncidentFire]; s != 0.3 {
		t.Errorf("pattern: %v, want 0.3", s)
	}
	if s := score("浓烟, 已打119")[IncidentFire]; s != 0.5 {
		t.Errorf("combo: %v, want 0.5", s)
	}
	if s := score("发生火灾")[IncidentFire]; s != 0.6 {
		t.Errorf("term: %v, want 0.6", s)
	}
	if s := score("没有火灾")[IncidentFire]; s != 0.3 {
		t.Errorf("negated: %v, want 0.3", s)
	}
	if s := score("火灾演习")[IncidentFire]; s != 0.12 {
		t.Errorf("context: %v, want 0.12", s)
	}
	if s := score("火灾, 火灾")[IncidentFire]; s != 0.72 {
		t.Errorf("repeat: %v, want 1-(0.4*0.7) = 0.72", s)
	}
	if s := score("仓库突然着火")[IncidentFire]; s != 0.4 {
		t.Errorf("near: %v, want 0.4", s)
	}
	if s := score("仓库里的东西昨天突然着火")[IncidentFire]; s != 0 {
		t.Errorf("near too far: %v, want 0", s)
	}
	if s := score("仓库。着火")[IncidentFire]; s != 0 {
		t.Errorf("near across a sentence end: %v, want 0", s)
	}
	if s := score("溜冰场", "溜冰场")[Drugs]; s != 0 {
		t.Errorf("whole-word term inside a word: %v, want 0", s)
	}
	if s := score("有冰吗", "有", "冰", "吗")[Drugs]; s != 0.6 {
		t.Errorf("whole-word term: %v, want 0.6", s)
	}
}
