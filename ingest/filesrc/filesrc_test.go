package filesrc

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

const jsonlBody = "{\"text\":\"第一条\",\"author\":\"a\"}\n{\"text\":\"第二条\",\"url\":\"http://x.test/2\"}\n{\"text\":\"第三条\"}" // no final newline

const jsonBody = `[
  {"text": "第一条", "author": "a"},
  {"text": "第二条", "url": "http://x.test/2"},
  {"text": "第三条"}
]`

const csvBody = "\ufeff内容,作者,链接\n第一条,a,\n第二条,,http://x.test/2\n第三条,,\n"

func TestReadsEachFormatPlainAndGzipped(t *testing.T) {
	csvMapping := map[string]string{"内容": "text", "作者": "author", "链接": "url"}
	for _, tc := range []struct {
		name    string
		body    string
		mapping map[string]string
	}{
		{"in.jsonl", jsonlBody, nil},
		{"in.ndjson", jsonlBody, nil},
		{"in.json", jsonBody, nil},
		{"in.csv", csvBody, csvMapping},
	} {
		for _, zip := range []bool{false, true} {
			name, body := tc.name, []byte(tc.body)
			if zip {
				name, body = name+".gz", gz(t, body)
			}
			t.Run(name, func(t *testing.T) {
				s := newSource(t, configs.Source{Mapping: tc.mapping, Region: "浙江省", Labels: map[string]string{"tier": "city"}})
				put(t, s, name, body, 0)
				var r run
				r.poll(t, s, 5)
				if got := r.texts(); !slices.Equal(got, []string{"第一条", "第二条", "第三条"}) || len(r.rejects) != 0 {
					t.Fatalf("texts %q rejects %+v", got, r.rejects)
				}
				p0, p1 := r.posts[0], r.posts[1]
				if p0.Author != "a" || p0.Source != "drop" || p0.Kind != ingest.KindPost || p0.Region != "浙江省" || !strings.Contains(string(p0.Meta), `"tier":"city"`) {
					t.Errorf("post 0 %+v", p0)
				}
				if p1.URL != "http://x.test/2" || p1.ID != ingest.PostID(p1) {
					t.Errorf("post 1 %+v", p1)
				}
				if len(r.batches) != 1 || r.batches[0].Ack == nil || r.batches[0].More {
					t.Errorf("batches %+v", r.batches)
				}
				if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{name}) {
					t.Errorf("done/ holds %q", got)
				}
				if got := dirNames(t, s.dir); len(got) != 0 {
					t.Errorf("drop folder still holds %q", got)
				}
			})
		}
	}
}

func TestSMSKindWithMapping(t *testing.T) {
	s := newSource(t, configs.Source{Name: "sms-gw", Kind: ingest.KindSMS,
		Mapping: map[string]string{"手机号": "sender", "内容": "text", "时间": "received_at"}})
	put(t, s, "sms.csv", []byte("手机号,内容,时间,运营商\n13800000000,您的账户异常请点击链接,2026-11-26T07:00:00+08:00,cmcc\n"), 0)
	var r run
	r.poll(t, s, 3)
	if len(r.posts) != 1 || len(r.rejects) != 0 {
		t.Fatalf("posts %+v rejects %+v", r.posts, r.rejects)
	}
	p := r.posts[0]
	if p.Kind != ingest.KindSMS || p.Author != "13800000000" || p.Text != "您的账户异常请点击链接" || p.Source != "sms-gw" {
		t.Errorf("post %+v", p)
	}
	if !p.PublishedAt.Equal(time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", p.PublishedAt)
	}
	if !strings.Contains(string(p.Meta), "cmcc") {
		t.Errorf("meta %s lost the unmapped column", p.Meta)
	}
}

func TestRejectsNameFileAndLine(t *testing.T) {
	type want struct {
		index, line int
		code        string
	}
	for _, tc := range []struct {
		name, body string
		posts      int
		want       []want
	}{
		{"a.jsonl", "{\"text\":\"ok\"}\n\n{\"text\":\"\"}\nnot json\n[{\"text\":\"in an array\"}]\n\r\n{\"text\":\"ok2\"}\n{\"text\":\"x\",\"published_at\":\"yesterday\"}\n", 2,
			[]want{{1, 3, ingest.CodeMissingText}, {2, 4, ingest.CodeBadJSON}, {3, 5, ingest.CodeBadJSON}, {5, 8, ingest.CodeBadTime}}},
		{"b.json", "[\n {\"text\":\"ok\"},\n\n {\"text\":\"\"},\n {\"text\":\n   \"ok2\"}, {\"text\":\"x\",\"kind\":\"tweet\"}\n]", 2,
			[]want{{1, 4, ingest.CodeMissingText}, {3, 6, ingest.CodeBadKind}}},
		{"c.csv", "text,author\nok,a\n\"two\nlines\",b\ntoo,many,fields\n,c\nlast,d\n", 3,
			[]want{{2, 5, CodeBadCSV}, {3, 6, ingest.CodeMissingText}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSource(t, configs.Source{})
			put(t, s, tc.name, []byte(tc.body), 0)
			var r run
			r.poll(t, s, 3)
			if len(r.posts) != tc.posts || len(r.rejects) != len(tc.want) {
				t.Fatalf("posts %d rejects %+v", len(r.posts), r.rejects)
			}
			for i, w := range tc.want {
				rj := r.rejects[i]
				prefix := fmt.Sprintf("%s:%d: ", tc.name, w.line)
				if rj.Index != w.index || rj.Line != w.line || rj.Code != w.code || !strings.HasPrefix(rj.Message, prefix) {
					t.Errorf("reject %d = %+v, want %+v and message starting %q", i, rj, w, prefix)
				}
			}
			if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{tc.name}) {
				t.Errorf("a file with bad records is still done; done/ holds %q", got)
			}
		})
	}
}

// lines returns n JSONL records "line i".
func lines(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"text\":\"line %d\"}\n", i)
	}
	return []byte(b.String())
}

func TestLongFileComesInBatches(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "big.jsonl", lines(2500), 0)
	var r run
	r.poll(t, s, 10)
	if len(r.batches) != 3 {
		t.Fatalf("%d batches", len(r.batches))
	}
	for i, want := range []int{1000, 1000, 500} {
		b := r.batches[i]
		if len(b.Posts) != want || b.More != (i < 2) || (b.Ack != nil) != (i == 2) {
			t.Errorf("batch %d: %d posts, More %v, Ack %v", i, len(b.Posts), b.More, b.Ack != nil)
		}
	}
	if r.posts[2499].Text != "line 2499" || len(r.rejects) != 0 {
		t.Errorf("last post %+v, rejects %v", r.posts[2499], r.rejects)
	}
	if got := dirNames(t, filepath.Join(s.dir, doneDir)); !slices.Equal(got, []string{"big.jsonl"}) {
		t.Errorf("done/ holds %q", got)
	}
	var c cursor
	if err := json.Unmarshal(r.cursor, &c); err != nil || c.File != nil || c.Finished == nil || c.Finished.Name != "big.jsonl" {
		t.Errorf("cursor after the file %s (%v)", r.cursor, err)
	}
}

func TestFilesOldestFirst(t *testing.T) {
	s := newSource(t, configs.Source{})
	put(t, s, "a-new.jsonl", []byte(`{"text":"new"}`), 2*time.Hour)
	put(t, s, "b-old.csv", []byte("text\nold\n"), time.Hour)
	put(t, s, "c-old.json", []byte(`[{"text":"old too"}]`), time.Hour)
	var r run
	b := r.step(t, s, true)
	if !b.More {
		t.Error("first file's batch does not ask for More while others wait")
	}
	r.poll(t, s, 5)
	if got := r.texts(); !slices.Equal(got, []string{"old", "old too", "new"}) {
		t.Errorf("order %q", got)
	}
	if got := dirNames(t, filepath.Join(s.dir, doneDir)); len(got) != 3 {
		t.Errorf("done/ holds %q", got)
	}
}
