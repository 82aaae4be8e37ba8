package ql

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/places"
)

// FuzzParse checks that Parse never panics, that its errors are
// *SyntaxErrors at a position within the query, that Format reads back
// to the same AST, and that Compile and TimeBounds take whatever Parse
// returns without panicking.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if q, ok := strings.CutPrefix(line, "query: "); ok {
			f.Add(q)
		}
	}
	f.Add("region:西湖区 OR region:义乌")
	f.Add("\xff(\"\xfe")
	find := places.Default().Find
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			checkPos(t, q, err)
			return
		}
		if n != nil {
			checkRoundTrip(t, q, n)
		}
		if _, err := Compile(n, Options{Now: testNow, Places: find}); err != nil {
			checkPos(t, q, err)
		}
		TimeBounds(n, Options{Now: testNow})
	})
}

func checkPos(t *testing.T, q string, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %v (%T) is not a *SyntaxError", q, err, err)
	}
	if se.Pos < 0 || se.Pos > utf8.RuneCountInString(q) {
		t.Fatalf("%q: error position %d outside [0, %d]: %v", q, se.Pos, utf8.RuneCountInString(q), err)
	}
}
