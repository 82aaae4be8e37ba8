package match

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`火灾`, `火灾`},
		{`(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习`, `(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习`},
		{`火灾 杭州 -演习`, `火灾 AND 杭州 AND NOT 演习`},
		{`（火灾 ＯＲ 起火）ＡＮＤ 杭州`, `(火灾 OR 起火) AND 杭州`},
		{`a OR (b OR c)`, `a OR b OR c`},
		{`a AND (b AND c)`, `a AND b AND c`},
		{`a AND b OR c`, `a AND b OR c`},
		{`NOT (a OR b)`, `NOT (a OR b)`},
		{`NOT NOT a`, `a`},
		{`"杭州 西湖"`, `"杭州 西湖"`},
		{`"火灾"`, `火灾`},
		{`"AND"`, `"AND"`},
		{`"-x"`, `"-x"`},
		{`"title:x"`, `"title:x"`},
		{`NEAR(冒充,公安,20)`, `NEAR(冒充, 公安, 20)`},
		{`NEAR（冒充，公安，20）`, `NEAR(冒充, 公安, 20)`},
		{`NEAR("安全 提示", 火灾, 0)`, `NEAR("安全 提示", 火灾, 0)`},
		{`NEAR 火灾`, `"NEAR" AND 火灾`},
		{`title:火灾`, `title:火灾`},
		{`title:(火灾 OR text:爆炸)`, `title:火灾 OR text:爆炸`},
		{`text:NEAR(a, b, 1)`, `text:NEAR(a, b, 1)`},
		{`title:"a b"`, `title:"a b"`},
		{`category:fraud >= 0.7`, `category:fraud >= 0.7`},
		{`category:fraud>=.70`, `category:fraud >= 0.7`},
		{`category:fraud`, `category:fraud`},
		{`category:"fraud"`, `category:fraud`},
		{`risk > 0.8`, `risk > 0.8`},
		{`sentiment < -0.5`, `sentiment < -0.5`},
		{`sentiment<-0.5`, `sentiment < -0.5`},
		{`risk = 1`, `risk = 1`},
		{`risk`, `"risk"`},
		{`source:weibo kind:sms region:杭州`, `source:weibo AND kind:sms AND region:杭州`},
		{`source:"a b"`, `source:"a b"`},
		{`search:火灾规则`, `search:火灾规则`},
		{`and or`, `and AND or`},
		{`a - b`, `a AND "-" AND b`},
	} {
		n, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := n.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.expr, got, tc.want)
		}
		again, err := Parse(n.String())
		if err != nil || again.String() != n.String() {
			t.Errorf("reparse of %s: %v, %v", n, again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		expr string
		pos  int
		msg  string
	}{
		{``, 0, "empty expression"},
		{`   `, 0, "empty expression"},
		{`火灾 AND`, 6, `expected a term after "AND"`},
		{`AND 火灾`, 0, `expected a term before "AND"`},
		{`火灾 OR OR 起火`, 6, `expected a term after "OR"`},
		{`(火灾`, 3, `expected ")" to close "(" opened at 0`},
		{`火灾)`, 2, `unexpected ")"`},
		{`()`, 0, "empty group"},
		{`NOT`, 3, `expected a term after "NOT"`},
		{`"火灾`, 3, "closing quote"},
		{`""`, 0, "empty word"},
		{`NEAR(a, b)`, 9, `expected ","`},
		{`NEAR(a, b, x)`, 11, "distance"},
		{`NEAR(a, b, -1)`, 11, "distance"},
		{`NEAR(a, b, 3`, 12, `expected ")"`},
		{`NEAR(a AND b, c, 1)`, 7, `expected ","`},
		{`NEAR(, b, 1)`, 5, "word or phrase"},
		{`title:`, 6, "expected a value"},
		{`title: 火灾`, 6, "expected a value"},
		{`title:category:x`, 6, "expected a word"},
		{`title:risk > 1`, 6, "cannot be scoped"},
		{`category:`, 9, "expected a value"},
		{`category:fraud >= `, 18, "expected a number"},
		{`category:fraud >= x`, 18, "expected a number"},
		{`category:fraud >= NaN`, 18, "expected a number"},
		{`risk > > 1`, 7, "expected a number"},
		{`火灾 > 1`, 3, `unexpected ">"`},
		{`火灾, 杭州`, 2, `unexpected ","`},
		{`source:(x)`, 7, "expected a value"},
		{`search:`, 7, "expected a value"},
		{strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), MaxDepth, "nested"},
		{strings.Repeat("NOT ", MaxDepth+1) + "a", 4 * MaxDepth, "nested"},
	} {
		_, err := Parse(tc.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %v, want a *SyntaxError", tc.expr, err)
			continue
		}
		if se.Pos != tc.pos || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Parse(%q): %v, want at %d: …%s…", tc.expr, err, tc.pos, tc.msg)
		}
	}
}
