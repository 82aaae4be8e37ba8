package rule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const shippedFile = `# Incidents. The intro comment of the file.
id: fire-major
name: 火灾
severity: P1
type: any
match: '火灾 AND NOT 演习'
# Reports of one fire differ: group them by place.
group_by: [region]
---
# The second rule.
id: explosion
name: 爆炸
severity: P1
type: any
match: '爆炸'
`

func TestReplaceInFileKeepsTheRestOfTheFile(t *testing.T) {
	out, err := ReplaceInFile([]byte(shippedFile), "explosion", []byte("id: explosion\nname: 爆炸事故\nseverity: P2\ntype: any\nmatch: '爆炸 AND NOT 爆款' # fewer false alarms\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"# Incidents. The intro comment of the file.",
		"# Reports of one fire differ: group them by place.",
		"group_by: [region]",
		"# The second rule.",
		"severity: P2",
		"# fewer false alarms",
		"---",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "name: 爆炸\n") {
		t.Errorf("the old rule is still there:\n%s", got)
	}
	rules, err := ParseFile("incidents.yaml", out, Options{})
	if err != nil || len(rules) != 2 {
		t.Fatalf("the edited file does not load: %d rules, %v\n%s", len(rules), err, got)
	}
	if rules[0].ID != "fire-major" || rules[0].Severity != "P1" || rules[1].Severity != "P2" || rules[1].Match != "爆炸 AND NOT 爆款" {
		t.Errorf("rules after the edit: %+v", rules)
	}
}

func TestReplaceInFileListAndErrors(t *testing.T) {
	list := "- id: a\n  severity: P1\n  type: any\n  match: 'x'\n- id: b\n  severity: P1\n  type: any\n  match: 'y'\n"
	out, err := ReplaceInFile([]byte(list), "b", []byte("id: b\nseverity: P3\ntype: any\nmatch: 'z'\n"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := ParseFile("l.yaml", out, Options{})
	if err != nil || len(rules) != 2 || rules[1].Severity != "P3" || rules[0].Match != "x" {
		t.Fatalf("list edit: %+v, %v\n%s", rules, err, out)
	}
	if _, err := ReplaceInFile([]byte(list), "nope", []byte("id: nope\n")); err == nil {
		t.Error("a missing id was replaced")
	}
	if _, err := ReplaceInFile([]byte(list), "a", []byte("- id: a\n- id: c\n")); err == nil {
		t.Error("two rules replaced one")
	}
	if _, err := ReplaceInFile([]byte("id: [broken"), "a", []byte("id: a\n")); err == nil {
		t.Error("a broken file was edited")
	}
}

func TestRuleYAMLSplitsARequest(t *testing.T) {
	got, err := RuleYAML([]byte("# first\nid: a\nmatch: 'x'\n---\n- id: b\n  match: 'y' # why\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.Contains(string(got["a"]), "# first") || !strings.Contains(string(got["b"]), "# why") {
		t.Errorf("RuleYAML = %q", got)
	}
}

// Replacing each shipped rule by itself changes no rule of its file.
func TestReplaceInFileRoundTripsTheShippedRules(t *testing.T) {
	files, _ := filepath.Glob("../../configs/rules/*.yaml")
	if len(files) == 0 {
		t.Fatal("no shipped rule files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before, err := ParseFile(f, data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		texts, err := RuleYAML(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range before {
			out, err := ReplaceInFile(data, r.ID, texts[r.ID])
			if err != nil {
				t.Fatalf("%s: replacing %s: %v", f, r.ID, err)
			}
			after, err := ParseFile(f, out, Options{})
			if err != nil || len(after) != len(before) {
				t.Fatalf("%s after replacing %s: %d rules, %v", f, r.ID, len(after), err)
			}
			for i := range after {
				if after[i].ID != before[i].ID || after[i].Version != before[i].Version {
					t.Errorf("%s: replacing %s changed %s (%s → %s)", f, r.ID, before[i].ID, before[i].Version, after[i].Version)
				}
			}
			if n, m := strings.Count(string(data), "#"), strings.Count(string(out), "#"); m < n {
				t.Errorf("%s: replacing %s lost comments (%d → %d #)", f, r.ID, n, m)
			}
		}
	}
}
