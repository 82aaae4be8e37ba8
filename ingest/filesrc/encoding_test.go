package filesrc

import (
	"slices"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGB18030FilesAreDecoded(t *testing.T) {
	// Enough lines that a resumed read has to skip through decoded text.
	var jsonl strings.Builder
	for i := range 5 {
		jsonl.WriteString(`{"text":"某地发生火灾` + strings.Repeat("！", i) + `"}` + "\n")
	}
	for _, tc := range []struct {
		name, body string
		mapping    map[string]string
	}{
		{"gbk.jsonl", jsonl.String(), nil},
		{"gbk.json", "[" + strings.TrimSuffix(strings.ReplaceAll(jsonl.String(), "\n", ","), ",") + "]", nil},
		{"gbk.csv", "内容\n" + strings.NewReplacer(`{"text":"`, "", `"}`, "").Replace(jsonl.String()), map[string]string{"内容": "text"}},
	} {
		for _, zip := range []bool{false, true} {
			name, body := tc.name, gb18030(t, tc.body)
			if zip {
				name, body = name+".gz", gz(t, body)
			}
			t.Run(name, func(t *testing.T) {
				s := newSource(t, configs.Source{Mapping: tc.mapping})
				s.batch = 2
				put(t, s, name, body, 0)
				var r run
				r.poll(t, s, 5)
				if len(r.posts) != 5 || len(r.rejects) != 0 {
					t.Fatalf("texts %q rejects %+v", r.texts(), r.rejects)
				}
				for i, p := range r.posts {
					if want := "某地发生火灾" + strings.Repeat("！", i); p.Text != want {
						t.Errorf("post %d: %q, want %q", i, p.Text, want)
					}
				}
			})
		}
	}
}

func TestInvalidUTF8ThatIsNotGB18030IsRejected(t *testing.T) {
	// 0xFF is neither UTF-8 nor GB18030: the file is read as UTF-8 and
	// the bad records rejected.
	s := newSource(t, configs.Source{})
	put(t, s, "bad.jsonl", []byte("{\"text\":\"好\"}\n{\"text\":\"\xff\xfe\"}\n{\"text\":\"也好\"}\n"), 0)
	put(t, s, "bad.csv", []byte("text\n好\n\xff\xfe\n"), 1)
	var r run
	r.poll(t, s, 4)
	if got := r.texts(); !slices.Equal(got, []string{"好", "也好", "好"}) {
		t.Errorf("texts %q", got)
	}
	if len(r.rejects) != 2 || r.rejects[0].Code != ingest.CodeInvalidUTF8 || r.rejects[0].Line != 2 ||
		r.rejects[1].Code != ingest.CodeInvalidUTF8 || !strings.HasPrefix(r.rejects[1].Message, "bad.csv:3: ") {
		t.Errorf("rejects %+v", r.rejects)
	}
}

func TestOverlongLineIsRejectedAndSkipped(t *testing.T) {
	s := newSource(t, configs.Source{})
	long := `{"text":"` + strings.Repeat("长", maxLineBytes/3+10) + `"}`
	put(t, s, "long.jsonl", []byte("{\"text\":\"a\"}\n"+long+"\n{\"text\":\"b\"}\n"), 0)
	var r run
	r.poll(t, s, 3)
	if got := r.texts(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("texts %q", got)
	}
	if len(r.rejects) != 1 || r.rejects[0].Code != ingest.CodeOversize || r.rejects[0].Line != 2 || r.rejects[0].Index != 1 {
		t.Errorf("rejects %+v", r.rejects)
	}
}
