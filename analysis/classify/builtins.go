package classify

import "strings"

// Built-in detectors match what no word list can: numbers of a given
// shape. The rules file names them <phone> and <account> in category terms
// and combinations.
//
//	<phone>    a run of 7 to 14 digits (a mobile or landline number)
//	<account>  a run of 15 or more digits (a bank card or account number)
//
// Digits may be masked (x or *) and grouped by single '-' or ' '.
var builtinNames = []string{"<phone>", "<account>"}

func isBuiltin(term string) bool {
	for _, n := range builtinNames {
		if term == n {
			return true
		}
	}
	return false
}

// builtinKey is the automaton key of a built-in: it cannot occur in
// normalised text (control characters become spaces), so only the
// detector reports it.
func builtinKey(name string) string { return "\x00" + strings.Trim(name, "<>") }

// scanNumbers appends a hit for each run of digits to hits: key phone for
// 7–14 digits, account for 15 or more (a key < 0 is not wanted).
func scanNumbers(text string, phone, account int32, hits []acHit) []acHit {
	for i := 0; i < len(text); {
		if !isDigitLike(text[i]) {
			i++
			continue
		}
		start, end, digits := i, i, 0
		for i < len(text) {
			switch c := text[i]; {
			case isDigitLike(c):
				digits++
				i++
				end = i
			case (c == '-' || c == ' ') && i+1 < len(text) && isDigitLike(text[i+1]):
				i++
			default:
				goto done
			}
		}
	done:
		key := int32(-1)
		switch {
		case digits >= 15:
			key = account
		case digits >= 7:
			key = phone
		}
		if key >= 0 {
			hits = append(hits, acHit{key: key, start: int32(start), end: int32(end)})
		}
	}
	return hits
}

func isDigitLike(c byte) bool { return c >= '0' && c <= '9' || c == 'x' || c == '*' }
