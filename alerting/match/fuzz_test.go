package match

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that errors are
// *SyntaxErrors with Pos in range, that an expression's canonical form
// parses to itself, and that compiling and matching it does not panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习`, `category:fraud >= 0.7`, `risk > 0.8`,
		`sentiment < -0.5`, `NEAR(冒充, 公安, 20)`, `title:(火灾 OR text:"a b")`, `-演习 source:weibo`,
		`kind:sms region:杭州`, `search:fire`, `（火灾 ＯＲ 起火）ＡＮＤ 杭州`, `"火灾`, `NEAR(a, b`, `risk >`,
		`title:`, `a - b`, `NOT NOT x`, `發生火災`, "\u200d", `category:"a b" = 1e3`,
	} {
		f.Add(s)
	}
	d := doc("杭州發生火災，有人冒充公安", title("火灾"), cats("fraud", 0.8), risk(0.9))
	saved := Options{SavedSearch: func(name string) (string, error) { return name, nil }}
	f.Fuzz(func(t *testing.T, expr string) {
		n, err := Parse(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T %v is not a *SyntaxError", expr, err, err)
			}
			if se.Pos < 0 || se.Pos > utf8.RuneCountInString(expr) {
				t.Fatalf("Parse(%q): Pos %d out of range", expr, se.Pos)
			}
			return
		}
		canon := n.String()
		again, err := Parse(canon)
		if err != nil || again.String() != canon {
			t.Fatalf("Parse(%q) = %s, which parses to %v, %v", expr, canon, again, err)
		}
		s, err := Compile(map[string]string{"r": expr}, saved)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > utf8.RuneCountInString(expr) {
				t.Fatalf("Compile(%q): %v", expr, err)
			}
			return
		}
		s.Match(d)
	})
}
