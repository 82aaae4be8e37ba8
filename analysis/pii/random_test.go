package pii

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var randomN = flag.Int("pii.random", 20000, "texts TestRandomPieces builds")

// TestRandomPieces checks FuzzFind's invariants on texts glued together
// from pieces that random bytes seldom produce: valid IDs and card numbers
// in their written shapes, prefixes, separators, masks and addresses.
func TestRandomPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range *randomN {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(piece(r))
		}
		text := b.String()
		spans := Find(text)
		checkSpans(t, text, spans)
		masked := Mask(text, spans)
		if again := Mask(masked, spans); again != masked {
			t.Fatalf("Mask is not idempotent:\n%q\n%q", masked, again)
		}
		if re := Find(masked); re != nil {
			t.Fatalf("Find on masked text found %v %s\ntext   %q\nspans  %v\nmasked %q", re, quote(masked, re), text, spans, masked)
		}
	}
}

func piece(r *rand.Rand) string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	sep := func() string { return pick("", " ", "-", " ", "-", ")", ".", "*", "@", "x") }
	switch r.IntN(14) {
	case 0:
		return "1" + string(byte('3'+r.IntN(7))) + digits(9)
	case 1:
		s := pick(" ", "-")
		return "13" + digits(1) + s + digits(4) + s + digits(4)
	case 2:
		return pick("+86", "0086", "(", "+", "+86 ", "0086-")
	case 3:
		id := withIDCheck(pick("110105", "440306", "310104", "912345") + fmt.Sprintf("%04d%02d%02d", 1900+r.IntN(201), 1+r.IntN(12), 1+r.IntN(28)) + digits(3))
		if r.IntN(3) == 0 {
			s := pick(" ", "-")
			return id[:6] + s + id[6:14] + s + id[14:]
		}
		return id
	case 4:
		c := withLuhn(pick("6", "62", "4", "5", "9", "2221") + digits(14+r.IntN(4)))
		if r.IntN(2) == 0 {
			return group4(c, pick(" ", "-"))
		}
		return c
	case 5:
		return pick("010", "021", "0571", "(0571)", "(010) ") + pick("", " ", "-") + digits(7+r.IntN(2))
	case 6:
		return digits(1 + r.IntN(5))
	case 7:
		return pick("", "a", "ab.c", "x", "zs+1", "..", "_", "Q") + "@" + pick("qq.com", "163.com", "x", "b.cn.", "e-x.org", "1.2")
	case 8:
		return pick("@", "@@", "*", "**", "****", ".", "..")
	case 9:
		return pick("电话", "，", "。", "身份证", "（", "）", "转")
	case 10:
		return sep()
	case 11:
		return pick("abc", "x", "X", "com", "cn")
	default:
		return sep() + sep()
	}
}
