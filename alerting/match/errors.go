package match

import (
	"errors"
	"fmt"
)

// SyntaxError is what Parse and Compile return when an expression is at
// fault. Pos is the 0-based offset in runes (not bytes) into the
// expression where the problem was found; len([]rune(expr)) means its end.
// For a saved search that cannot be resolved, Pos is that of its
// search: clause and Err is the resolver's error, if any.
type SyntaxError struct {
	Pos int
	Msg string
	Err error
}

// Error reads like `at 12: expected ")" to close "(" opened at 3`.
func (e *SyntaxError) Error() string { return fmt.Sprintf("at %d: %s", e.Pos, e.Msg) }

// Unwrap returns the resolver's error for a saved search, else nil.
func (e *SyntaxError) Unwrap() error { return e.Err }

func errAt(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// RuleError is one rule's error from Compile; Err is a *SyntaxError whose
// Pos is in the rule's own expression.
type RuleError struct {
	RuleID string
	Err    error
}

func (e *RuleError) Error() string { return fmt.Sprintf("rule %s: %v", e.RuleID, e.Err) }
func (e *RuleError) Unwrap() error { return e.Err }

// ErrNoSavedSearches is wrapped when an expression uses search:NAME and
// Options.SavedSearch is nil.
var ErrNoSavedSearches = errors.New("no saved search resolver configured")
