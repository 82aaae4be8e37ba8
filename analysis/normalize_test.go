package analysis

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  Ａ１！ＡＢＣ　公司  ", "a1!abc 公司"},
		{"某工業園區發生火災，現場濃煙滾滾", "某工业园区发生火灾,现场浓烟滚滚"},
		{"頭髮很乾燥", "头发很干燥"},
		{"<p>西湖区<b>发生</b>火灾</p><p>消防到场</p>", "西湖区发生火灾 消防到场"},
		{"<script>var a='火灾';</script>正文&amp;说明&nbsp;完", "正文&说明 完"},
		{"价格<5元，>3元", "价格<5元,>3元"},
		{"太难了😭\ufe0f👍🏻", "太难了😭👍"},
		{"第一行\r\n\t第二行\x00结束", "第一行 第二行 结束"},
		{"bad\xffutf8", "bad utf8"},
		{"<!-- 注释 -->文字", "文字"},
		{"", ""},
	}
	for _, c := range cases {
		got := Normalize(c.in)
		if got.Text != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got.Text, c.want)
		}
		checkOffsets(t, c.in, got)
	}
}

// TestNormalizeOffsetsPointAtTheOriginal checks that a word found in the
// normalised text maps back to the characters the user wrote.
func TestNormalizeOffsetsPointAtTheOriginal(t *testing.T) {
	in := "<div>轉發：某地發生<b>火災</b>，ＡＢＣ&amp;公司</div>"
	n := Normalize(in)
	for word, orig := range map[string]string{"火灾": "火災", "发生": "發生", "abc": "ＡＢＣ", "&": "&amp;"} {
		i := strings.Index(n.Text, word)
		if i < 0 {
			t.Fatalf("%q not in %q", word, n.Text)
		}
		s, e := n.Orig(i, i+len(word))
		if in[s:e] != orig {
			t.Errorf("%q maps to %q, want %q", word, in[s:e], orig)
		}
	}
}

func checkOffsets(t *testing.T, in string, n Normalized) {
	t.Helper()
	if len(n.Offsets) != len(n.Text)+1 || n.Offsets[len(n.Text)] != len(in) {
		t.Fatalf("Normalize(%q): %d offsets for %d bytes, last %d", in, len(n.Offsets), len(n.Text), n.Offsets[len(n.Offsets)-1])
	}
	if !utf8.ValidString(n.Text) {
		t.Fatalf("Normalize(%q) produced invalid UTF-8 %q", in, n.Text)
	}
	prev := 0
	for i := 0; i < len(n.Text); i++ {
		o := n.Offsets[i]
		if o < prev || o >= len(in) {
			t.Fatalf("Normalize(%q): offset %d of byte %d out of order or range", in, o, i)
		}
		prev = o
	}
	for i := 0; i < len(n.Text); {
		_, size := utf8.DecodeRuneInString(n.Text[i:])
		s, e := n.Orig(i, i+size)
		if s < 0 || e > len(in) || s >= e {
			t.Fatalf("Normalize(%q): rune at %d maps to [%d,%d)", in, i, s, e)
		}
		i += size
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"轉發：<b>火災</b>&amp;", "ＡＢＣ　１２３", "<script>x</script>y", "a\xffb", "&#x1F600;😭\ufe0f", "<p", "&;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		checkOffsets(t, s, n)
		if n.Text != strings.TrimSpace(n.Text) || strings.Contains(n.Text, "  ") {
			t.Fatalf("white space not folded: %q", n.Text)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	simp := strings.Repeat("杭州市西湖区一小区发生火灾，消防已到场，暂无人员伤亡。ABC公司称已报警。", 4)
	trad := strings.Repeat("杭州市西湖區一小區發生火災，消防已到場，暫無人員傷亡。ABC公司稱已報警。", 4)
	Normalize(simp)
	b.Run("simplified", func(b *testing.B) {
		for b.Loop() {
			Normalize(simp)
		}
	})
	b.Run("traditional", func(b *testing.B) {
		for b.Loop() {
			Normalize(trad)
		}
	})
}
