package ingest

import (
	"testing"
)

// rejectCodes are the stable codes a Reject may carry.
var rejectCodes = map[string]bool{CodeBadJSON: true, CodeInvalidUTF8: true, CodeUnknownField: true, CodeBadField: true,
	CodeMissingText: true, CodeBadTime: true, CodeOversize: true, CodeBadKind: true, CodeBadID: true, CodeTooManyRecords: true}

// checkBatch holds a parsed batch to the promises every decoder makes:
// no more posts than the limit, rejects with a known code and a message,
// accepted posts meeting the Post rules with an id, and the same result
// (ids included) when the same body is parsed again.
func checkBatch(t *testing.T, b, again Batch, lim Limits, kind string) {
	t.Helper()
	if len(b.Posts) > lim.MaxRecords {
		t.Fatalf("%d posts over the limit %d", len(b.Posts), lim.MaxRecords)
	}
	for _, r := range b.Rejects {
		if !rejectCodes[r.Code] || r.Message == "" {
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
		if kind != "" && p.Kind != kind {
			t.Fatalf("post of kind %q, want %q: %+v", p.Kind, kind, p)
		}
	}
	if len(again.Posts) != len(b.Posts) || len(again.Rejects) != len(b.Rejects) {
		t.Fatalf("not deterministic: %d/%d posts, %d/%d rejects", len(b.Posts), len(again.Posts), len(b.Rejects), len(again.Rejects))
	}
	for i := range b.Posts {
		if again.Posts[i].ID != b.Posts[i].ID {
			t.Fatalf("ids differ between runs: %q %q", again.Posts[i].ID, b.Posts[i].ID)
		}
	}
}

// FuzzParseSMS checks the SMS decoder as FuzzParsePosts checks the posts
// one: whatever the body, no panic, stable reject codes, valid posts of
// kind sms, deterministic ids.
func FuzzParseSMS(f *testing.F) {
	for _, s := range []string{
		`{"sender":"106900001234","receiver":"13800000000","text":"【某银行】您的账户存在异常，请点击链接验证","received_at":"2026-11-26T07:00:00+08:00","gateway":"cmcc"}`,
		`[{"text":"您已中奖，请回复身份证号领取"},{"text":"退订回T","meta":{"carrier":"unicom"}}]`,
		`{"id":"s1","text":"验证码123456，五分钟内有效"}` + "\n" + `{"text":""}` + "\n" + `{"text":"x","received_at":"昨天"}`,
		`{"text":"贷款无抵押秒到账","meta":[1]}`,
		`{"text":"a","kind":"sms"}`,
		"\ufeff{\"text\":\"\xe4\xbd\"}",
		`{"text":"\u0000\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxTextBytes: 256, MaxRecords: 20}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkBatch(t, ParseSMS(body, now, lim), ParseSMS(body, now, lim), lim, KindSMS)
	})
}

// FuzzParseFrom checks the decoder of configured sources, with a partner
// mapping (fields renamed, unknown ones kept in meta, source, region and
// labels applied), for SMS and for posts: the decoder's promises hold,
// and every accepted post has a source and carries the origin's region
// when it named none.
func FuzzParseFrom(f *testing.F) {
	for _, s := range []string{
		`{"mobile":"13800000000","content":"您的账户异常请点击链接","time":"2026-11-26T07:00:00+08:00","carrier":"cmcc"}`,
		`[{"content":"某地发生火灾","link":"http://x.test/1","pubtime":"2026-11-26T06:00:00Z"},{"content":"另一条","source":"weibo","kind":"comment"}]`,
		`{"content":"第二条","text":"twice"}`,
		`{"content":"x","meta":"not an object","extra":{"a":1}}`,
		`{"content":"杭州西湖区暴雨","region":"浙江省杭州市","meta":{"labels":"old"}}`,
		`["not an object"]`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	lim := Limits{MaxTextBytes: 256, MaxRecords: 20}
	smsOrigin := Origin{Source: "sms-gw", Kind: KindSMS, Region: "浙江省杭州市", Labels: map[string]string{"tier": "city"},
		Mapping: map[string]string{"mobile": "sender", "content": "text", "time": "received_at"}}
	postOrigin := Origin{Source: "crawler", Kind: KindArticle, Region: "浙江省", Labels: map[string]string{"feed": "news"},
		Mapping: map[string]string{"content": "text", "link": "url", "pubtime": "published_at"}}
	f.Fuzz(func(t *testing.T, body []byte, sms bool) {
		o, kind := postOrigin, ""
		if sms {
			o, kind = smsOrigin, KindSMS
		}
		b := ParseFrom(body, now, lim, o)
		checkBatch(t, b, ParseFrom(body, now, lim, o), lim, kind)
		for _, p := range b.Posts {
			if p.Region == "" {
				t.Fatalf("post without the origin's region: %+v", p)
			}
			// A record with "source": "" gets DefaultSource, not the
			// origin's: that names a source, if an empty one.
			if p.Source == "" {
				t.Fatalf("post without a source: %+v", p)
			}
		}
	})
}
