package ql

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/parse.golden from the parser's output")

const goldenFile = "testdata/parse.golden"

// result is what the golden file records for a query: its AST and Format,
// or its error.
func result(q string) []string {
	n, err := Parse(q)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	if n == nil {
		return []string{"ast: (all)"}
	}
	return []string{"ast: " + str(n), "fmt: " + Format(n)}
}

// TestParseGolden parses every "query:" line of the golden file and
// compares the "ast:"/"fmt:" or "error:" lines after it; -update rewrites
// them, keeping the queries and comments.
func TestParseGolden(t *testing.T) {
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var q string
	var got, want []string
	cases := 0
	check := func() {
		if q == "" {
			return
		}
		cases++
		if strings.Join(got, "\n") != strings.Join(want, "\n") && !*update {
			t.Errorf("query: %s\n got:\n\t%s\nwant:\n\t%s", q, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
		q = ""
	}
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "query: "):
			check()
			q = strings.TrimPrefix(line, "query: ")
			got, want = nil, result(q)
			out = append(out, line)
			out = append(out, want...)
		case strings.HasPrefix(line, "ast: "), strings.HasPrefix(line, "fmt: "), strings.HasPrefix(line, "error: "):
			got = append(got, line)
		default:
			check()
			out = append(out, line)
		}
	}
	check()
	t.Logf("%d golden queries", cases)
	if *update {
		if err := os.WriteFile(goldenFile, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFormatRoundTrip checks on the golden queries that Format gives a
// query that parses to the same AST and formats the same way again.
func TestFormatRoundTrip(t *testing.T) {
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		q, ok := strings.CutPrefix(line, "query: ")
		if !ok {
			continue
		}
		n, err := Parse(q)
		if err != nil {
			continue
		}
		checkRoundTrip(t, q, n)
	}
}

func checkRoundTrip(t *testing.T, q string, n Node) {
	t.Helper()
	f := Format(n)
	if len(f) > MaxQueryBytes {
		return // canonical quoting made it longer than Parse takes
	}
	n2, err := Parse(f)
	if err != nil {
		t.Fatalf("%q: Format gave %q, which does not parse: %v", q, f, err)
	}
	if str(n2) != str(n) {
		t.Fatalf("%q: Format gave %q, which parses to\n\t%s\nnot\n\t%s", q, f, str(n2), str(n))
	}
	if f2 := Format(n2); f2 != f {
		t.Fatalf("%q: Format is not stable: %q then %q", q, f, f2)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, q := range []string{"", " ", "\t\n", "\u3000", " ， 。 ", "-", "a -", "(，)"} {
		n, err := Parse(q)
		if q == "a -" {
			if err != nil || str(n) != `(word "a")` {
				t.Errorf("Parse(%q) = %v, %v", q, n, err)
			}
			continue
		}
		if n != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", q, n, err)
		}
	}
}

func TestParseErrorType(t *testing.T) {
	for q, pos := range map[string]int{
		`a (b`:                4,
		`"火灾`:                 3,
		`a AND`:               5,
		`（火灾`:                 3,
		`x)`:                  1,
		`risk:>abc`:           6,
		`a AND OR b`:          6,
		"  NOT":               5,
		`time:[2026-11-01 TO`: 19,
	} {
		_, err := Parse(q)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error %v is not a *SyntaxError", q, err)
			continue
		}
		if se.Pos != pos {
			t.Errorf("Parse(%q) error at %d, want %d: %v", q, se.Pos, pos, err)
		}
	}
}

func TestParseDeep(t *testing.T) {
	q := strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1)
	if _, err := Parse(q); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("Parse of %d nested groups: %v, want nesting error", MaxDepth+1, err)
	}
	q = strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth)
	if n, err := Parse(q); err != nil || str(n) != `(word "a")` {
		t.Errorf("Parse of %d nested groups: %v, %v", MaxDepth, n, err)
	}
	if _, err := Parse(strings.Repeat("NOT ", 10000) + "a"); err == nil {
		t.Error("Parse of 10000 NOTs: no error")
	}
}
