package main

import (
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRulesCheckShippedPacks(t *testing.T) {
	code, out, errOut := cli(t, "rules", "check", "../../configs/rules")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "rules in 6 files are valid") {
		t.Errorf("stderr: %s", errOut)
	}
	// Every document is a rule with its version and defaults filled in.
	dec := yaml.NewDecoder(strings.NewReader(out))
	n := 0
	for {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			break
		}
		n++
		for _, k := range []string{"id", "version", "type", "severity", "group_by", "group_wait", "realert", "enabled"} {
			if _, ok := r[k]; !ok {
				t.Errorf("rule %v: no %s in output", r["id"], k)
			}
		}
	}
	if n < 10 || !strings.Contains(out, "# ../../configs/rules/fraud.yaml:3\nid: fraud-wave\n") {
		t.Errorf("%d rules printed:\n%s", n, out)
	}
}

func TestRulesCheckErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", "id: fire\nseverity: P1\ntype: any\nmatch: 火灾\nreceivers: [duty-webhook]\n")
	bad := writeFile(t, dir, "bad.yaml", "id: wave\nseverity: P2\ntype: frequency\nmatch: 'category:fraud >= 0.7'\nnum_events: 0\ntimeframe: 10m\n---\nid: fire\nseverity: P1\ntype: any\nmatch: x\n")

	code, out, errOut := cli(t, "rules", "check", good, bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	for _, want := range []string{
		bad + ":5: rule wave: num_events: must be a positive integer\n",
		bad + ":8: rule fire: id: duplicate id, first defined at " + good + ":1\n",
		"2 problems; 1 rules in 2 files are valid\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "id: fire\n") || strings.Contains(out, "id: wave") {
		t.Errorf("stdout should hold only the valid rule:\n%s", out)
	}

	code, _, errOut = cli(t, "rules", "check", "--receivers", "duty-email", good)
	if code != 1 || !strings.Contains(errOut, `good.yaml:5: rule fire: receivers[0]: unknown receiver "duty-webhook" (known: duty-email)`) {
		t.Errorf("--receivers: exit %d\n%s", code, errOut)
	}
	code, _, errOut = cli(t, "rules", "check", filepath.Join(dir, "missing.yaml"))
	if code != 1 || !strings.Contains(errOut, "missing.yaml: open: no such file or directory") {
		t.Errorf("missing file: exit %d\n%s", code, errOut)
	}
	if code, _, errOut = cli(t, "rules", "check", t.TempDir()); code != 2 || !strings.Contains(errOut, "no *.yaml or *.yml rule files") {
		t.Errorf("empty directory: exit %d\n%s", code, errOut)
	}
	if code, _, _ = cli(t, "rules", "check"); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}

func TestRulesHelp(t *testing.T) {
	code, out, _ := cli(t, "rules", "check", "--help")
	if code != 0 || !strings.Contains(out, "yuqing rules check configs/rules") || !strings.Contains(out, "FILE:LINE") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if code, out, _ = cli(t, "rules"); code != 0 || !strings.Contains(out, "check") {
		t.Errorf("rules without a subcommand: exit %d\n%s", code, out)
	}
}
