package ql

import "fmt"

// SyntaxError is what Parse and Compile return when the query is at fault:
// the search API answers it with 400 and shows Error() to the analyst.
type SyntaxError struct {
	// Pos is the 0-based offset in runes (not bytes) into the query where
	// the problem was found; len([]rune(query)) means its end.
	Pos int
	// Msg says what is wrong, or completes Expected.
	Msg string
	// Expected, when set, is what should have been at Pos, e.g. `")"`.
	Expected string
}

// Error reads like `at 12: expected ")" to close "(" opened at 3`.
func (e *SyntaxError) Error() string {
	switch {
	case e.Expected != "" && e.Msg != "":
		return fmt.Sprintf("at %d: expected %s %s", e.Pos, e.Expected, e.Msg)
	case e.Expected != "":
		return fmt.Sprintf("at %d: expected %s", e.Pos, e.Expected)
	}
	return fmt.Sprintf("at %d: %s", e.Pos, e.Msg)
}

func errAt(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func expected(pos int, what, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Expected: what, Msg: fmt.Sprintf(format, args...)}
}
