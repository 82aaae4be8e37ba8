package ingest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseFromMapsFieldsAndKeepsUnknownInMeta(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	body := `{"mobile":"13800000000","content":"您的账户异常请点击链接","time":"2026-11-26T07:00:00+08:00","carrier":"cmcc"}
{"mobile":"13900000000","content":"","time":"2026-11-26T07:01:00+08:00"}
{"mobile":"13700000000","content":"第二条","text":"twice"}`
	o := Origin{Source: "sms-gw", Kind: KindSMS, Region: "浙江省杭州市", Labels: map[string]string{"tier": "city"},
		Mapping: map[string]string{"mobile": "sender", "content": "text", "time": "received_at"}}
	b := ParseFrom([]byte(body), now, DefaultLimits(), o)
	if len(b.Posts) != 1 || len(b.Rejects) != 2 {
		t.Fatalf("posts %d rejects %+v", len(b.Posts), b.Rejects)
	}
	p := b.Posts[0]
	if p.Kind != KindSMS || p.Author != "13800000000" || p.Text != "您的账户异常请点击链接" || p.Source != "sms-gw" || p.Region != "浙江省杭州市" {
		t.Errorf("post %+v", p)
	}
	if !p.PublishedAt.Equal(time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", p.PublishedAt)
	}
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(p.Meta, &meta); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(meta["extra"]), `"carrier":"cmcc"`) || string(meta["labels"]) != `{"tier":"city"}` {
		t.Errorf("meta %s", p.Meta)
	}
	if b.Rejects[0].Code != CodeMissingText || b.Rejects[0].Line != 2 {
		t.Errorf("reject 0 %+v", b.Rejects[0])
	}
	if b.Rejects[1].Code != CodeBadField || b.Rejects[1].Field != "text" || b.Rejects[1].Line != 3 {
		t.Errorf("reject 1 %+v", b.Rejects[1])
	}
	again := ParseFrom([]byte(body), now.Add(time.Hour), DefaultLimits(), o)
	if again.Posts[0].ID != p.ID {
		t.Errorf("same record, ids %s and %s", p.ID, again.Posts[0].ID)
	}
}

func TestParseFromPostsTakeSourceAndKind(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	body := `[{"content":"某地发生火灾","link":"http://x.test/1","pubtime":"2026-11-26T06:00:00Z"},
	          {"content":"另一条","source":"weibo","kind":"comment"}]`
	o := Origin{Source: "crawler", Kind: KindArticle, Mapping: map[string]string{"content": "text", "link": "url", "pubtime": "published_at"}}
	b := ParseFrom([]byte(body), now, DefaultLimits(), o)
	if len(b.Posts) != 2 || len(b.Rejects) != 0 {
		t.Fatalf("posts %+v rejects %+v", b.Posts, b.Rejects)
	}
	if p := b.Posts[0]; p.Source != "crawler" || p.Kind != KindArticle || p.URL != "http://x.test/1" || p.ID != PostID(p) {
		t.Errorf("post 0 %+v (PostID %s)", p, PostID(p))
	}
	if p := b.Posts[1]; p.Source != "weibo" || p.Kind != KindComment {
		t.Errorf("post 1 %+v", p)
	}
}
