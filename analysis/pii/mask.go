package pii

import "bytes"

// Mask returns text with every span masked: each masked byte becomes '*'.
// The result has exactly the byte length of text and differs from it only
// inside spans, so offsets computed on the masked text are valid in the
// original. Separators, "+", parentheses and the '@' stay, and so do a few
// digits that let an officer tell numbers apart without revealing them:
//
//   - Mobile: the first 3 and last 4 digits, and a +86/0086 prefix:
//     +86 138****5678, 138-****-5678.
//   - Landline: the area code only: 010-********, (0571)********.
//   - IDCard: the first 6 characters (the place of registration) and the
//     last 4 (sequence number and check character); the birth date is
//     always masked: 110105********002X.
//   - BankCard: the last 4 digits (fewer when the last group is shorter):
//     **** **** **** 7890.
//   - Email: the first character of the local part and the domain:
//     a***@example.com; a one-character local part is masked: *@example.com.
//   - Any other Kind: every ASCII letter and digit.
//
// Only ASCII bytes are changed, so the result stays valid UTF-8 even for a
// span that is not one Find returned. Spans may come in any order and may
// overlap; those out of range are clipped. Masking is idempotent: Mask of
// its own result with the same spans returns that result, and Find on it
// reports nothing inside the masked spans. With no spans Mask returns text
// itself without allocating.
func Mask(text string, spans []Span) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	for _, s := range spans {
		lo, hi := max(s.Start, 0), min(s.End, len(b))
		if lo < hi {
			maskSpan(b[lo:hi], s.Kind)
		}
	}
	return string(b)
}

func maskSpan(b []byte, k Kind) {
	switch k {
	case Mobile:
		n := count(b, isDigitOrStar)
		maskKeep(b, isDigitOrStar, func(i int) bool { return n >= 11 && (i < n-8 || i >= n-4) })
	case Landline:
		area := landlineArea(b)
		maskKeep(b, isDigitOrStar, func(i int) bool { return i < area })
	case IDCard:
		n := count(b, isIDChar)
		maskKeep(b, isIDChar, func(i int) bool { return n == 18 && (i < 6 || i >= 14) })
	case BankCard:
		maskCard(b)
	case Email:
		maskEmail(b)
	default:
		maskKeep(b, func(c byte) bool { return isWord(c) && c != '_' }, func(int) bool { return false })
	}
}

func isDigitOrStar(c byte) bool { return isDigit(c) || c == '*' }

func isIDChar(c byte) bool { return isDigitOrStar(c) || c|0x20 == 'x' }

func count(b []byte, pos func(byte) bool) int {
	n := 0
	for _, c := range b {
		if pos(c) {
			n++
		}
	}
	return n
}

// maskKeep masks the i-th byte of b for which pos holds unless keep(i).
// '*' counts as a position, so masking a second time keeps the same bytes.
func maskKeep(b []byte, pos func(byte) bool, keep func(int) bool) {
	i := 0
	for j, c := range b {
		if !pos(c) {
			continue
		}
		if !keep(i) {
			b[j] = '*'
		}
		i++
	}
}

// landlineArea returns how many leading digits of a landline span are its
// area code.
func landlineArea(b []byte) int {
	var d [2]byte
	n := 0
	for _, c := range b {
		if isDigitOrStar(c) {
			d[n] = c
			if n++; n == 2 {
				break
			}
		}
	}
	switch {
	case n < 2 || d[0] != '0':
		return 0
	case d[1] == '1' || d[1] == '2':
		return 3
	case d[1] >= '3' && d[1] <= '9':
		return 4
	}
	return 0
}

// maskCard masks every digit but the last 4 of the last group.
func maskCard(b []byte) {
	keep := len(b)
	for keep > 0 && len(b)-keep < 4 && isDigitOrStar(b[keep-1]) {
		keep--
	}
	for j := range b[:keep] {
		if isDigitOrStar(b[j]) {
			b[j] = '*'
		}
	}
}

func maskEmail(b []byte) {
	at := bytes.IndexByte(b, '@')
	from := 1
	if at <= 1 {
		from = 0
	}
	if at < 0 {
		at = len(b)
	}
	for j := from; j < at; j++ {
		if b[j] < 0x80 {
			b[j] = '*'
		}
	}
}
