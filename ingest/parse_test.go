package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func TestParsePostsRejectCodes(t *testing.T) {
	lim := Limits{MaxTextBytes: 64, MaxRecords: 100}
	cases := []struct {
		name, rec, code, field string
	}{
		{"missing text", `{"id":"a"}`, CodeMissingText, "text"},
		{"blank text", `{"text":"  \t"}`, CodeMissingText, "text"},
		{"bad time", `{"text":"火灾","published_at":"2026/11/26"}`, CodeBadTime, "published_at"},
		{"oversize", `{"text":"` + strings.Repeat("火", 30) + `"}`, CodeOversize, "text"},
		{"bad kind", `{"text":"火灾","kind":"tweet"}`, CodeBadKind, "kind"},
		{"unknown field", `{"text":"火灾","txet":"x"}`, CodeUnknownField, "txet"},
		{"wrong type", `{"text":123}`, CodeBadField, "text"},
		{"meta not object", `{"text":"火灾","meta":[1]}`, CodeBadField, "meta"},
		{"control in id", `{"id":"a\u0001b","text":"火灾"}`, CodeBadID, "id"},
		{"not an object", `["x"]`, CodeBadJSON, ""},
		{"broken json", `{"text":"火灾"`, CodeBadJSON, ""},
		{"invalid utf8", "{\"text\":\"\xff\xfe\"}", CodeInvalidUTF8, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := `{"id":"good1","text":"前面的好记录"}` + "\n" + c.rec + "\n" + `{"id":"good2","text":"后面的好记录"}` + "\n"
			b := ParsePosts([]byte(body), now, lim)
			if len(b.Posts) != 2 || b.Posts[0].ID != "good1" || b.Posts[1].ID != "good2" {
				t.Fatalf("good neighbours lost: %+v (rejects %+v)", b.Posts, b.Rejects)
			}
			if len(b.Rejects) != 1 {
				t.Fatalf("rejects %+v, want one", b.Rejects)
			}
			r := b.Rejects[0]
			if r.Code != c.code || r.Field != c.field || r.Line != 2 || r.Index != 1 || r.Message == "" {
				t.Fatalf("reject %+v, want code %s field %q line 2 index 1", r, c.code, c.field)
			}
		})
	}
}

func TestParsePostsDefaultsAndIDs(t *testing.T) {
	body := `[{"text":"同一条内容"},{"text":"同一条内容"},{"source":"weibo","url":"https://weibo.com/1","text":"甲"},
	{"source":"weibo","url":"https://weibo.com/1","text":"乙（编辑后）"},{"id":"given","text":"丙","published_at":"2026-11-25T08:30:00+08:00"}]`
	b := ParsePosts([]byte(body), now, DefaultLimits())
	if len(b.Rejects) != 0 || len(b.Posts) != 5 {
		t.Fatalf("posts %d rejects %+v", len(b.Posts), b.Rejects)
	}
	p := b.Posts
	if p[0].ID != p[1].ID || !strings.HasPrefix(p[0].ID, "h") {
		t.Errorf("same content, ids %q %q: want one content-hash id", p[0].ID, p[1].ID)
	}
	if p[2].ID != p[3].ID || !strings.HasPrefix(p[2].ID, "u") {
		t.Errorf("same source+url, ids %q %q: want one url id", p[2].ID, p[3].ID)
	}
	if p[4].ID != "given" || !p[4].PublishedAt.Equal(time.Date(2026, 11, 25, 0, 30, 0, 0, time.UTC)) {
		t.Errorf("given id/time: %+v", p[4])
	}
	if p[0].Source != DefaultSource || p[0].Kind != KindPost || !p[0].PublishedAt.Equal(now) || !p[0].IngestedAt.Equal(now) {
		t.Errorf("defaults: %+v", p[0])
	}
}

func TestParsePostsArrayTailAndLimits(t *testing.T) {
	b := ParsePosts([]byte(`[{"text":"一"},{"text":"二"}, {"text": oops}]`), now, DefaultLimits())
	if len(b.Posts) != 2 || len(b.Rejects) != 1 || b.Rejects[0].Code != CodeBadJSON {
		t.Fatalf("array with broken tail: posts %d rejects %+v", len(b.Posts), b.Rejects)
	}
	var body bytes.Buffer
	for range 5 {
		body.WriteString(`{"text":"多"}` + "\n")
	}
	b = ParsePosts(body.Bytes(), now, Limits{MaxTextBytes: 100, MaxRecords: 3})
	if len(b.Posts) != 3 || len(b.Rejects) != 2 || b.Rejects[0].Code != CodeTooManyRecords {
		t.Fatalf("max records: posts %d rejects %+v", len(b.Posts), b.Rejects)
	}
}

func TestParseSMS(t *testing.T) {
	body := `{"sender":"10690000","receiver":"13800000000","text":"【某银行】您的账户异常","gateway":"gw1","meta":{"x":1}}
{"sender":"1","text":""}`
	b := ParseSMS([]byte(body), now, DefaultLimits())
	if len(b.Posts) != 1 || len(b.Rejects) != 1 || b.Rejects[0].Code != CodeMissingText || b.Rejects[0].Line != 2 {
		t.Fatalf("posts %+v rejects %+v", b.Posts, b.Rejects)
	}
	p := b.Posts[0]
	if p.Kind != KindSMS || p.Source != "sms:gw1" || p.Author != "10690000" || !strings.HasPrefix(p.ID, "s") {
		t.Fatalf("sms post: %+v", p)
	}
	var meta map[string]any
	if err := json.Unmarshal(p.Meta, &meta); err != nil || meta["receiver"] != "13800000000" || meta["extra"] == nil {
		t.Fatalf("meta %s: %v", p.Meta, err)
	}
}

// FuzzParsePosts checks the promises of parsing whatever the body: it
// never panics, every record ends up either accepted or rejected with a
// stable code and a message, accepted posts meet the Post rules, and
// parsing is deterministic.
func FuzzParsePosts(f *testing.F) {
	for _, s := range []string{
		`{"text":"火灾"}`,
		`[{"text":"一"},{"text":"二"}]`,
		`{"id":"a","text":"x","published_at":"2026-11-25T08:30:00+08:00","meta":{"k":[1,2]}}` + "\n" + `{"bad"`,
		"\ufeff[ ]",
		`{"text":"a","kind":"sms","title":"t"}`,
		"{\"text\":\"\xe4\xbd\"}",
	} {
		f.Add([]byte(s))
	}
	codes := map[string]bool{CodeBadJSON: true, CodeInvalidUTF8: true, CodeUnknownField: true, CodeBadField: true,
		CodeMissingText: true, CodeBadTime: true, CodeOversize: true, CodeBadKind: true, CodeBadID: true, CodeTooManyRecords: true}
	lim := Limits{MaxTextBytes: 256, MaxRecords: 20}
	f.Fuzz(func(t *testing.T, body []byte) {
		b := ParsePosts(body, now, lim)
		if len(b.Posts) > lim.MaxRecords {
			t.Fatalf("%d posts over the limit", len(b.Posts))
		}
		for _, r := range b.Rejects {
			if !codes[r.Code] || r.Message == "" {
				t.Fatalf("reject %+v: unknown code or no message", r)
			}
		}
		for _, p := range b.Posts {
			if rej := checkPost(&p, lim); rej != nil {
				t.Fatalf("accepted post breaks a rule: %+v: %+v", p, rej)
			}
			if p.ID == "" {
				t.Fatalf("accepted post without id: %+v", p)
			}
		}
		again := ParsePosts(body, now, lim)
		if len(again.Posts) != len(b.Posts) || len(again.Rejects) != len(b.Rejects) {
			t.Fatalf("not deterministic")
		}
		for i := range b.Posts {
			if again.Posts[i].ID != b.Posts[i].ID {
				t.Fatalf("ids differ between runs: %q %q", again.Posts[i].ID, b.Posts[i].ID)
			}
		}
	})
}
