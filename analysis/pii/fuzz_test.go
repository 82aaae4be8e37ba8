package pii

import (
	"strings"
	"testing"
)

// FuzzFind checks the contracts of Find and Mask on any input:
//   - spans are sorted, in bounds, non-empty, non-overlapping, ASCII, of a
//     known kind, and their digits pass the kind's checks;
//   - Mask keeps the length, changes only bytes inside spans, turning them
//     into '*', and is idempotent;
//   - Find on the masked text finds nothing at all: every span was masked,
//     and what is left of it must not be read as new personal data.
func FuzzFind(f *testing.F) {
	for _, tc := range findCases {
		f.Add(tc.text)
	}
	for _, tc := range benchTexts {
		f.Add(tc.text)
	}
	f.Add("\xff\xfe138 1234\x005678")
	f.Fuzz(func(t *testing.T, text string) {
		spans := Find(text)
		checkSpans(t, text, spans)

		masked := Mask(text, spans)
		if len(masked) != len(text) {
			t.Fatalf("Mask changed the length %d → %d", len(text), len(masked))
		}
		in := make([]bool, len(text))
		for _, s := range spans {
			for i := s.Start; i < s.End; i++ {
				in[i] = true
			}
		}
		for i := range text {
			if masked[i] != text[i] && (!in[i] || masked[i] != '*') {
				t.Fatalf("Mask changed byte %d %q → %q (inside a span: %v)\n%q\n%q", i, text[i], masked[i], in[i], text, masked)
			}
		}
		if again := Mask(masked, spans); again != masked {
			t.Fatalf("Mask is not idempotent:\n%q\n%q", masked, again)
		}
		if re := Find(masked); re != nil {
			t.Fatalf("Find on masked text found %v %s\ntext   %q\nspans  %v\nmasked %q", re, quote(masked, re), text, spans, masked)
		}
	})
}

func checkSpans(t *testing.T, text string, spans []Span) {
	t.Helper()
	if spans != nil && len(spans) == 0 {
		t.Fatalf("Find returned an empty non-nil slice")
	}
	end := 0
	for _, s := range spans {
		if s.Start < end || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("bad span %v after %d in %d bytes: %v", s, end, len(text), spans)
		}
		end = s.End
		v := text[s.Start:s.End]
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				t.Fatalf("span %v %q is not ASCII", s, v)
			}
		}
		var d []byte
		for i := 0; i < len(v); i++ {
			if isDigit(v[i]) || v[i]|0x20 == 'x' {
				d = append(d, v[i])
			}
		}
		ok := true
		switch s.Kind {
		case Mobile:
			ok = len(d) >= 11 && validMobile(d[len(d)-11:])
		case Landline:
			ok = areaLen(string(d)) > 0
		case IDCard:
			ok = validID(d)
		case BankCard:
			ok = len(d) >= 16 && len(d) <= 19 && validCard(d)
		case Email:
			ok = strings.Count(v, "@") == 1
		default:
			ok = false
		}
		if !ok {
			t.Fatalf("span %v %q is not a valid %s", s, v, s.Kind)
		}
	}
}
