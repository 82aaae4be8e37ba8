package simhash

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const body = "杭州市西湖区文三路一居民楼发生火灾，消防已到场，暂无人员伤亡。"

func TestDecoration(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // the decorated parts, in order
	}{
		{"plain", body, nil},
		{"转发 label", "转发:" + body, []string{"转发:"}},
		{"full-width colon", "转发：" + body, []string{"转发："}},
		{"转自微博 label", "转自微博：" + body, []string{"转自微博："}},
		{"traditional label", "轉發：" + body, []string{"轉發："}},
		{"label after space", "  转载: " + body, []string{"  转载:"}},
		{"chain marker", "//@某某:" + body, []string{"//@某某:"}},
		{"comment before chain", "太可怕了，扩散！//@小王同学:" + body, []string{"太可怕了，扩散！//@小王同学:"}},
		{"chain of comments", "说得对//@甲: 同意 //@乙：" + body + "[泪]", []string{"说得对//@甲: 同意 //@乙：", "[泪]"}},
		{"spaced chain marker", "哈哈 // @沈宏非 : " + body, []string{"哈哈 // @沈宏非 :"}},
		{"short last comment keeps the rest", "恭喜恭喜！！ //@某人:[嘻嘻]", []string{"//@某人:[嘻嘻]"}},
		{"reply marker", "回复@张三:好的，明天见", []string{"回复@张三:"}},
		{"emoticon tags", body + "[蜡烛][蜡烛][怒]", []string{"[蜡烛][蜡烛][怒]"}},
		{"english tag", body + " [good]", []string{"[good]"}},
		{"sender tag with digits stays", "[95588]尊敬的客户，您的账户已冻结", nil},
		{"lenticular brackets stay", "【突发】" + body, nil},
		{"转 label", "【转】" + body + "（转载）", []string{"【转】", "（转载）"}},
		{"only decoration", "[泪][蜡烛] //@某某:[泪]", []string{"[泪][蜡烛] //@某某:[泪]"}},
		{"default repost text", "转发微博", []string{"转发微博"}},
		{"default repost text in chain", "[泪]//@某某:转发微博", []string{"[泪]//@某某:转发微博"}},
		{"empty", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Decoration(tt.text) {
				got = append(got, tt.text[s.Start:s.End])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Decoration(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSpansContains(t *testing.T) {
	s := Spans{{2, 4}, {7, 8}}
	for off, want := range []bool{false, false, true, true, false, false, false, true, false, false} {
		if got := s.Contains(off); got != want {
			t.Errorf("Contains(%d) = %v, want %v", off, got, want)
		}
	}
	if Spans(nil).Contains(0) {
		t.Error("nil Spans contains 0")
	}
}

func FuzzDecoration(f *testing.F) {
	for _, s := range []string{
		"", body, "转发:" + body, "评论//@甲:" + body + "[泪]", "[泪]//@某某:转发微博",
		"回复@张三:好的", "// @x : y", "[[]]", "\xff//@\xfe:", "【转】（转载）[good]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spans := Decoration(text)
		for i, s := range spans {
			if s.Start < 0 || s.End > len(text) || s.Start > s.End || (s.Start == s.End && len(text) > 0) {
				t.Fatalf("span %d %v out of range for %d bytes", i, s, len(text))
			}
			if i > 0 && spans[i-1].End >= s.Start {
				t.Fatalf("spans %v and %v overlap or touch", spans[i-1], s)
			}
			if utf8.ValidString(text) {
				for _, off := range []int{s.Start, s.End} {
					if off < len(text) && !utf8.RuneStart(text[off]) {
						t.Fatalf("span %v splits a character of %q", s, text)
					}
				}
			}
		}
		for off := 0; off < len(text); off++ {
			want := false
			for _, s := range spans {
				want = want || s.Start <= off && off < s.End
			}
			if spans.Contains(off) != want {
				t.Fatalf("Contains(%d) = %v, want %v (spans %v)", off, !want, want, spans)
			}
		}
	})
}

func BenchmarkDecoration(b *testing.B) {
	for name, text := range map[string]string{
		"plain":  strings.Repeat(body, 3),
		"repost": "太可怕了，扩散！//@小王同学:" + strings.Repeat(body, 3) + "[泪][蜡烛]",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Decoration(text)
			}
		})
	}
}
