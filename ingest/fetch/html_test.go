package fetch

import (
	"strings"
	"testing"
)

func TestHTMLText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "  just text  ", "just text"},
		{"paragraphs", "<p>第一段。</p><p>第二段，<b>加粗</b>文字。</p>", "第一段。\n第二段，加粗文字。"},
		{"br and entities", "a&amp;b<br>c&nbsp;d", "a&b\nc d"},
		{"scripts and styles dropped", "<style>p{}</style><p>text</p><script>alert(1)</script>", "text"},
		{"inline spacing kept", "<span>hello</span> <a href=x>world</a>", "hello world"},
		{"nested blocks", "<div><div><p>one</p></div><ul><li>two</li><li>three</li></ul></div>", "one\ntwo\nthree"},
		{"ideographic space indent", "<p>\u3000\u3000正文开始</p>", "正文开始"},
		{"pre keeps lines", "<pre>line1\nline2</pre>", "line1\nline2"},
		{"comment dropped", "a<!-- hidden -->b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLText(tt.in); got != tt.want {
				t.Errorf("HTMLText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>a</p><p>b</p>", "<script>x</script>y", "<pre>a\nb</pre>", "a&amp;<br>b", "<<<>>>", "\u3000中文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLText(s)
		if out == "" {
			return
		}
		for line := range strings.SplitSeq(out, "\n") {
			if line == "" || strings.TrimSpace(line) != line {
				t.Fatalf("HTMLText(%q) = %q: blank or untrimmed line", s, out)
			}
		}
	})
}
