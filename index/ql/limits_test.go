package ql

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestLimits: pathological queries are refused quickly with a
// *SyntaxError at the place the limit is crossed, and queries just inside
// each limit parse.
func TestLimits(t *testing.T) {
	words := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "词%d ", i)
		}
		return b.String()
	}
	nested := func(n int) string { return strings.Repeat("(", n) + "火灾" + strings.Repeat(")", n) }
	prefixes := func(n int) string { return strings.TrimSpace(strings.Repeat("source:sms:* ", n)) }
	long := strings.Repeat("火", MaxQueryBytes/3+1) // 4 KiB + a little, in runes of 3 bytes
	cases := []struct {
		name, q, msg string
		pos          int
	}{
		{"length", long, "longer than 4096 bytes", MaxQueryBytes / 3},
		{"length ascii", strings.Repeat("a", 1<<20), "longer than 4096 bytes", MaxQueryBytes},
		{"10k terms", strings.Repeat("a b ", 5000), "longer than", MaxQueryBytes},
		{"terms", words(MaxTerms + 1), "more than 256 terms", utf8.RuneCountInString(words(MaxTerms))},
		{"terms in OR", strings.Repeat("a OR ", MaxTerms) + "b", "more than 256 terms", 5 * MaxTerms},
		{"depth", nested(MaxDepth + 1), "nested more than 32 deep", MaxDepth},
		{"depth of NOT", strings.Repeat("NOT ", MaxDepth+1) + "a", "nested more than 32 deep", 4 * MaxDepth},
		{"depth 1000", nested(1000), "nested more than 32 deep", MaxDepth},
		{"prefixes", prefixes(MaxPrefixes + 1), "more than 16 prefix filters", 13 * MaxPrefixes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(c.q)
			took := time.Since(start)
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(se.Msg, c.msg) {
				t.Fatalf("Parse: %v, want a *SyntaxError containing %q", err, c.msg)
			}
			if se.Pos != c.pos {
				t.Errorf("error at %d, want %d: %v", se.Pos, c.pos, err)
			}
			t.Logf("refused %d bytes in %v: %v", len(c.q), took, err)
		})
	}
	for name, q := range map[string]string{
		"length":   strings.Repeat("火", MaxQueryBytes/3),
		"terms":    words(MaxTerms),
		"depth":    nested(MaxDepth),
		"prefixes": prefixes(MaxPrefixes),
	} {
		if _, err := Parse(q); err != nil {
			t.Errorf("%s: a query at the limit is refused: %v", name, err)
		}
	}
}

func BenchmarkParseRefused(b *testing.B) {
	for _, c := range []struct{ name, q string }{
		{"1MiB", strings.Repeat("火灾 OR ", 1<<17)},
		{"257terms", strings.Repeat("a ", MaxTerms+1)},
		{"nest33", strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(c.q); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
