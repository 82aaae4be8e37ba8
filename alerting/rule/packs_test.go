package rule

import (
	"path/filepath"
	"strings"
	"testing"
)

const packsDir = "../../configs/rules"

// TestRulePacksLoad checks the shipped default rule packs: they load,
// every rule has examples that fire and that do not, every example file
// names an existing rule, and the match expressions only use category ids
// of the taxonomy (checked by the loader for filters; here for match).
func TestRulePacksLoad(t *testing.T) {
	rules, err := LoadDir(packsDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 10 {
		t.Fatalf("only %d default rules", len(rules))
	}
	exs, err := LoadExamples(filepath.Join(packsDir, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]Examples{}
	for _, ex := range exs {
		if _, dup := byRule[ex.Rule]; dup {
			t.Errorf("%s: second example file for rule %s", ex.File, ex.Rule)
		}
		byRule[ex.Rule] = ex
		if want := ex.Rule + ".yaml"; filepath.Base(ex.File) != want {
			t.Errorf("%s: examples for rule %s belong in %s", ex.File, ex.Rule, want)
		}
	}
	ids := map[string]bool{}
	types := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
		types[r.Type] = true
		if _, ok := byRule[r.ID]; !ok {
			t.Errorf("%s:%d: rule %s has no examples/%s.yaml", r.File, r.Line, r.ID, r.ID)
		}
		if r.Description == "" || r.Labels["scope"] == "" {
			t.Errorf("%s:%d: rule %s needs a description and a scope label", r.File, r.Line, r.ID)
		}
		for _, id := range categoryRefs(r.Match) {
			if !knownCategory(id) {
				t.Errorf("%s:%d: rule %s: match uses unknown category %q", r.File, r.Line, r.ID, id)
			}
		}
	}
	for _, ex := range exs {
		if !ids[ex.Rule] {
			t.Errorf("%s: names rule %q, which no rule pack defines", ex.File, ex.Rule)
		}
	}
	for _, typ := range []string{TypeAny, TypeFrequency, TypeSpike, TypeFlatline, TypeCardinality} {
		if !types[typ] {
			t.Errorf("no default rule of type %s", typ)
		}
	}
}

// categoryRefs returns the ids in category:ID terms of an expression.
func categoryRefs(expr string) []string {
	var ids []string
	for rest := expr; ; {
		i := strings.Index(rest, "category:")
		if i < 0 {
			return ids
		}
		rest = rest[i+len("category:"):]
		end := strings.IndexAny(rest, " <>=)")
		if end < 0 {
			end = len(rest)
		}
		ids = append(ids, rest[:end])
	}
}

func TestRuleExamplesRejectBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"no-rule.yaml":   "fires: [{posts: [{source: a, text: b}]}]\ndoes_not_fire: [{posts: [{source: a, text: b}]}]\n",
		"one-side.yaml":  "rule: x\nfires: [{posts: [{source: a, text: b}]}]\n",
		"unknown.yaml":   "rule: x\nfire: []\n",
		"no-source.yaml": "rule: x\nfires: [{posts: [{text: b}]}]\ndoes_not_fire: [{posts: [{source: a, text: b}]}]\n",
	} {
		writeTemp(t, dir, name, src)
		_, err := LoadExamples(dir)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
		removeTemp(t, dir, name)
	}
}
