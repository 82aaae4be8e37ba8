package pii

// Kind says what sort of personal data a Span holds.
type Kind string

// The kinds of personal data Find reports.
const (
	Mobile   Kind = "mobile"    // mainland mobile numbers
	Landline Kind = "landline"  // mainland fixed-line numbers with area code
	IDCard   Kind = "id_card"   // 18-digit resident ID, checksum verified (GB 11643-1999, ISO 7064 MOD 11-2)
	BankCard Kind = "bank_card" // 16–19 digits passing Luhn
	Email    Kind = "email"
)

// Span is one piece of personal data: byte offsets [Start, End) into the text passed to Find.
type Span struct {
	Kind  Kind `json:"kind"`
	Start int  `json:"start"`
	End   int  `json:"end"`
}

// Find returns the spans of personal data in text, sorted by Start and
// non-overlapping; nil when there are none (and then it does not allocate).
// Spans cover ASCII bytes only.
//
// Text is expected to be normalised (full-width digits folded to ASCII), but
// Find does not depend on it. What it reports:
//
//   - Mobile: 1[3-9] and 9 more digits, written 13812345678, 138-1234-5678,
//     138 1234 5678 or 138 12345678, optionally after +86 or 0086 (with or
//     without a space or hyphen). The prefix is part of the span.
//   - Landline: an area code (010, 02x or a four-digit 0[3-9]xx) and a
//     subscriber number of 7 or 8 digits (8 after a three-digit area code)
//     not starting with 0: 010-12345678, (0571)87654321, (0571) 87654321,
//     0571 8765432, 0571-8765-4321, 057187654321. An extension after the
//     number (转123, -123) is not part of the span.
//   - IDCard: 17 digits and a check character (digit or x), with a known
//     province code, a birth date between 1900 and 2100 that exists, and the
//     ISO 7064 MOD 11-2 check character; written as one run or 6-8-4.
//     15-digit IDs are not reported.
//   - BankCard: 16–19 digits, as one run or in groups of four (the last
//     group may be shorter), starting like a payment card (3, 4, 5, 6, 9, or
//     2221–2720 for 16 digits), passing Luhn. An 18-digit number that is a
//     valid ID is reported as IDCard.
//   - Email: a dot-atom local part of at most 64 characters ('*' excluded),
//     '@', and a domain of at least two labels whose last label is letters.
//
// A number is only reported when it stands alone: digits glued to letters,
// '_' or a decimal point, or joined by a single space or hyphen to more
// digit groups written the same way, are part of something longer (an
// order number, a 20-digit string) and are skipped. Digits touching '*'
// (directly or across up to two separators) are treated as what is left of
// an earlier mask and skipped too, so Find on masked text reports nothing
// new. When a number and an e-mail address overlap, the one that starts
// first wins; on a tie, the address.
func Find(text string) []Span {
	f := finder{text: text}
	for i := 0; i < len(text); {
		switch c := text[i]; {
		case c-'0' <= 9:
			i = f.chain(i)
		case c == '@':
			i = f.at(i)
		default:
			i++
		}
	}
	return f.spans
}

// finder holds the state of one Find call.
type finder struct {
	text  string
	spans []Span
	// lo is where the local part of the next e-mail address may start at
	// the earliest: just after the previous '@' and its domain.
	lo int
}

func (f *finder) add(k Kind, start, end int) {
	if f.spans == nil {
		f.spans = make([]Span, 0, 4)
	}
	f.spans = append(f.spans, Span{Kind: k, Start: start, End: end})
}

// Byte classes.
const (
	cDigit  uint8 = 1 << iota
	cAlpha        // ASCII letter
	cAtext        // allowed in the local part of an address, besides '.'
	cDomain       // allowed in a domain name, besides '.'
	cSepish       // may stand between a number and a mask: " -().+"
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cAtext | cDomain
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cAlpha | cAtext | cDomain
		t[c-'a'+'A'] |= cAlpha | cAtext | cDomain
	}
	for _, c := range "!#$%&'+-/=?^_`{|}~" { // RFC 5322 atext without '*'
		t[c] |= cAtext
	}
	t['-'] |= cDomain
	for _, c := range " -().+" {
		t[c] |= cSepish
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' <= 9 }

// isWord reports whether c continues a word: an ASCII letter, digit or '_'.
func isWord(c byte) bool { return class[c]&(cDigit|cAlpha) != 0 || c == '_' }

// touchesMask reports whether a '*' lies next to position i going in
// direction dir (-1 left, +1 right), directly or across up to two
// separator-like bytes. For the left side i is the first byte of the number;
// for the right side, the byte after it.
func touchesMask(t string, i, dir int) bool {
	if dir < 0 {
		i--
	}
	for k := 0; k < 3 && i >= 0 && i < len(t); k, i = k+1, i+dir {
		switch {
		case t[i] == '*':
			return true
		case class[t[i]]&cSepish == 0:
			return false
		}
	}
	return false
}
