package collect

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

func TestPushMapsChecksAndDeduplicates(t *testing.T) {
	f := newFixture(t)
	gw := configs.Source{Name: "sms-gw", Type: configs.SourceHTTPPush, Kind: "sms", TokenEnv: "GW_TOKEN",
		Mapping: map[string]string{"mobile": "sender", "content": "text", "time": "received_at"}}
	partner := configs.Source{Name: "partner", Type: configs.SourceHTTPPush, Token: "p-secret"}
	r := f.runner("api", nil, gw, partner)
	p := r.NewPusher(func(k string) string { return map[string]string{"GW_TOKEN": "gw-secret"}[k] })
	ctx := context.Background()
	body := `{"mobile":"13800000000","content":"【某银行】您的账户存在异常，请点击链接进行验证，否则将被冻结。","time":"2026-11-26T07:00:00+08:00"}
{"mobile":"13800000001","content":""}
{"mobile":"13800000000","content":"【某银行】您的账户存在异常，请点击链接进行验证，否则将被冻结。","time":"2026-11-26T07:00:00+08:00"}`

	if _, err := p.Push(ctx, "sms-gw", "wrong", []byte(body)); !errors.Is(err, ErrBadToken) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := p.Push(ctx, "sms-gw", "p-secret", []byte(body)); !errors.Is(err, ErrBadToken) {
		t.Fatalf("another source's token: %v", err)
	}
	if _, err := p.Push(ctx, "nope", "gw-secret", []byte(body)); !errors.Is(err, ErrUnknownSource) {
		t.Fatalf("unknown source: %v", err)
	}
	res, err := p.Push(ctx, "sms-gw", "gw-secret", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	// line 3 repeats line 1: received, not produced twice
	if len(res.IDs) != 2 || res.IDs[0] != res.IDs[1] || res.Duplicates != 1 || len(res.Rejects) != 1 || res.Rejects[0].Code != ingest.CodeMissingText || res.Rejects[0].Line != 2 {
		t.Fatalf("result %+v", res)
	}
	got := f.take(1)[0]
	if got.Kind != ingest.KindSMS || got.Author != "13800000000" || got.Source != "sms-gw" || got.ID != res.IDs[0] {
		t.Errorf("post %+v", got)
	}
	// the same message pushed again (a gateway retry) is not produced twice
	again, err := p.Push(ctx, "sms-gw", "gw-secret", []byte(body))
	if err != nil || len(again.IDs) != 2 || again.Duplicates != 2 || again.IDs[0] != res.IDs[0] {
		t.Fatalf("again %+v %v", again, err)
	}
	// the partner pushes posts without a mapping; unknown fields go to meta
	pr, err := p.Push(ctx, "partner", "p-secret", []byte(`[{"text":"合作方推送的一条帖子，字段名与我们的一致，多余字段进入 meta。","url":"http://p.test/1","channel":"app"}]`))
	if err != nil || len(pr.IDs) != 1 {
		t.Fatalf("partner %+v %v", pr, err)
	}
	pp := f.take(1)[0]
	if pp.Source != "partner" || string(pp.Meta) != `{"channel":"app"}` {
		t.Errorf("partner post %+v meta %s", pp, pp.Meta)
	}
	f.none(100 * time.Millisecond)
	st := statusOf(t, f.state, gw)
	if st.State != StateOK || st.ItemsToday != 1 || st.RejectsToday != 2 || st.LastItemAt.IsZero() {
		t.Errorf("status %+v", st)
	}
}
