package kafkasrc_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/kafkasrc"
)

func TestMappedRecordsBecomePosts(t *testing.T) {
	tp := newTopic(t, 3)
	tp.produce(
		`{"content":"河道漂浮物","link":"https://bbs.example.cn/t/1","poster":"老王","likes":12}`,
		`{"id":"crawler-7","content":"停水通知","time":"2026-11-24T10:00:00+08:00","region":"湖州"}`,
		// One value with two NDJSON records.
		`{"content":"第一条"}`+"\n"+`{"content":"第二条","kind":"comment"}`,
	)
	s := tp.source("bbs", "", func(c *configs.Source) {
		c.Mapping = map[string]string{"content": "text", "link": "url", "poster": "author", "time": "published_at"}
		c.Region = "杭州"
		c.Labels = map[string]string{"team": "crawler"}
	})
	b := read(t, s, 4, true)
	if len(b.Rejects) > 0 {
		t.Fatalf("rejects: %+v", b.Rejects)
	}
	byText := map[string]ingest.Post{}
	for _, p := range b.Posts {
		byText[p.Text] = p
		if p.Source != "bbs" || p.ID == "" || !p.IngestedAt.Equal(now) {
			t.Errorf("post %q: source %q id %q ingested %v; want bbs, an id, %v", p.Text, p.Source, p.ID, p.IngestedAt, now)
		}
		var meta struct{ Labels map[string]string }
		if err := json.Unmarshal(p.Meta, &meta); err != nil || meta.Labels["team"] != "crawler" {
			t.Errorf("post %q: meta %s lacks labels.team=crawler (%v)", p.Text, p.Meta, err)
		}
	}
	p := byText["河道漂浮物"]
	if p.URL != "https://bbs.example.cn/t/1" || p.Author != "老王" || p.Kind != ingest.KindPost || p.Region != "杭州" {
		t.Errorf("mapped post = %+v", p)
	}
	if !strings.Contains(string(p.Meta), `"likes":12`) {
		t.Errorf("unmapped field not kept in meta: %s", p.Meta)
	}
	p = byText["停水通知"]
	if p.ID != "crawler-7" || p.Region != "湖州" || !p.PublishedAt.Equal(time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("post with id, time and region = %+v", p)
	}
	if byText["第一条"].Kind != ingest.KindPost || byText["第二条"].Kind != ingest.KindComment {
		t.Errorf("NDJSON value: kinds %q, %q; want post, comment", byText["第一条"].Kind, byText["第二条"].Kind)
	}
}

func TestBadRecordIsRejectedWithPosition(t *testing.T) {
	tp := newTopic(t, 1)
	tp.produce(
		`{"text":"好的一条"}`,
		`{"text": 不是JSON`,
		`{"text":"又一条好的"}`,
		``,
		`{"title":"没有正文"}`,
	)
	s := tp.source("crawler", "")
	b := read(t, s, 5, true)
	var got []string
	for _, p := range b.Posts {
		got = append(got, p.Text)
	}
	if slices.Sort(got); !slices.Equal(got, []string{"又一条好的", "好的一条"}) {
		t.Errorf("posts %q; want both good records", got)
	}
	want := []struct {
		index  int
		code   string
		prefix string
	}{
		{1, ingest.CodeBadJSON, "partition 0 offset 1: "},
		{3, ingest.CodeBadJSON, "partition 0 offset 3: "},
		{4, ingest.CodeMissingText, "partition 0 offset 4: "},
	}
	if len(b.Rejects) != len(want) {
		t.Fatalf("rejects %+v; want %d", b.Rejects, len(want))
	}
	for i, w := range want {
		r := b.Rejects[i]
		if r.Index != w.index || r.Code != w.code || !strings.HasPrefix(r.Message, w.prefix) {
			t.Errorf("reject %d = %+v; want index %d code %s message %q...", i, r, w.index, w.code, w.prefix)
		}
	}
}

func TestReadWithoutAckReturnsTheSameRecords(t *testing.T) {
	tp := newTopic(t, 2)
	tp.produce(`{"text":"一"}`, `{"text":"二"}`, `{"text":"三"}`)
	s := tp.source("crawler", "")
	first := read(t, s, 3, false)
	again, err := s.Read(ctxFor(t, 10*time.Second), nil)
	if err != nil {
		t.Fatalf("second Read: %v", err)
	}
	if got, want := ids(again.Posts), ids(first.Posts); !maps.Equal(got, want) {
		t.Fatalf("unacknowledged Read again = %v; want %v", got, want)
	}
	if c := tp.committed("yuqing-source-crawler"); len(c) != 0 {
		t.Fatalf("committed %v before any Ack", c)
	}
	if err := again.Ack(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	if c := tp.committed("yuqing-source-crawler"); c[0]+c[1] != 3 {
		t.Errorf("committed %v after Ack; want offsets summing to 3", c)
	}
	after, err := s.Read(ctxFor(t, 10*time.Second), nil)
	if err != nil || len(after.Posts) != 0 || after.Ack != nil || !after.More {
		t.Errorf("Read after Ack = %+v, %v; want an empty batch with More", after, err)
	}
}

func TestCrashBeforeAckRedeliversAfterAckDoesNot(t *testing.T) {
	tp := newTopic(t, 3)
	// No id and no url: ids come from the content.
	tp.produce(`{"text":"甲"}`, `{"text":"乙"}`, `{"text":"丙"}`, `{"text":"丁"}`)
	const group = "yuqing-crash"

	s1 := tp.source("crawler", group)
	first := ids(read(t, s1, 4, false).Posts)
	if err := s1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s2 := tp.source("crawler", group)
	if again := ids(read(t, s2, 4, true).Posts); !maps.Equal(again, first) {
		t.Fatalf("after a crash before Ack: %v; want the same records and ids %v", again, first)
	}
	if err := s2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	tp.produce(`{"text":"戊"}`)
	s3 := tp.source("crawler", group)
	b := read(t, s3, 1, true)
	if len(b.Posts) != 1 || b.Posts[0].Text != "戊" {
		t.Fatalf("after Ack and restart: %+v; want only the newer record", b.Posts)
	}
	more, err := s3.Read(ctxFor(t, 10*time.Second), nil)
	if err != nil || len(more.Posts)+len(more.Rejects) != 0 {
		t.Errorf("next Read = %+v, %v; want nothing more", more, err)
	}
}

func TestGroupsReadIndependently(t *testing.T) {
	tp := newTopic(t, 2)
	tp.produce(`{"text":"a"}`, `{"text":"b"}`, `{"text":"c"}`)
	a := tp.source("alpha", "")
	b := tp.source("beta", "yuqing-beta")
	for _, s := range []*kafkasrc.Source{a, b} {
		if got := ids(read(t, s, 3, true).Posts); len(got) != 3 {
			t.Errorf("posts %v; want all 3 records", got)
		}
	}
	for _, g := range []string{"yuqing-source-alpha", "yuqing-beta"} {
		if c := tp.committed(g); c[0]+c[1] != 3 {
			t.Errorf("group %s committed %v; want offsets summing to 3", g, c)
		}
	}
}

func TestCloseReleasesTheGroup(t *testing.T) {
	tp := newTopic(t, 1)
	tp.produce(`{"text":"x"}`)
	s1 := tp.source("crawler", "")
	b := read(t, s1, 1, false)
	if err := s1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s1.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s1.Read(t.Context(), nil); !errors.Is(err, kafkasrc.ErrClosed) {
		t.Errorf("Read after Close: %v; want ErrClosed", err)
	}
	if err := b.Ack(t.Context()); !errors.Is(err, kafkasrc.ErrClosed) {
		t.Errorf("Ack after Close: %v; want ErrClosed", err)
	}
	// The member left: a new one gets the partition well within the
	// session timeout (10 s) a vanished member would hold it for.
	start := time.Now()
	s2 := tp.source("crawler", "")
	if got := read(t, s2, 1, true).Posts; len(got) != 1 || got[0].Text != "x" {
		t.Fatalf("new member read %+v", got)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("new member took %v to get the partition", d)
	}
}

func TestUnreachableBrokersAreAnError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	src := configs.Source{Name: "gone", Type: configs.SourceKafka, Brokers: []string{addr}, Topic: "crawler-out"}
	for _, d := range []time.Duration{300 * time.Millisecond, 10 * time.Second} {
		s, err := kafkasrc.New(src, ingest.DefaultLimits(), nil, testLogger(t))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), d)
		start := time.Now()
		_, err = s.Read(ctx, nil)
		took := time.Since(start)
		cancel()
		s.Close()
		if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "crawler-out") {
			t.Errorf("deadline %v: Read error %v; want one naming %s and crawler-out", d, err, addr)
		}
		t.Logf("deadline %v: Read took %v: %v", d, took, err)
		if took > d+time.Second {
			t.Errorf("deadline %v: Read took %v", d, took)
		}
	}
}

func TestNewNeedsBrokersAndTopic(t *testing.T) {
	for _, src := range []configs.Source{
		{Name: "a", Type: configs.SourceKafka, Topic: "t"},
		{Name: "a", Type: configs.SourceKafka, Brokers: []string{"127.0.0.1:9092"}},
	} {
		if s, err := kafkasrc.New(src, ingest.DefaultLimits(), nil, nil); err == nil {
			s.Close()
			t.Errorf("New(%+v) succeeded", src)
		}
	}
}

func TestIdleTopicGivesEmptyBatches(t *testing.T) {
	tp := newTopic(t, 2)
	s := tp.source("crawler", "")
	for i := range 3 {
		start := time.Now()
		b, err := s.Read(ctxFor(t, 20*time.Second), nil)
		if err != nil || len(b.Posts)+len(b.Rejects) != 0 || b.Ack != nil || b.Cursor != nil || !b.More {
			t.Fatalf("Read %d on an empty topic = %+v, %v; want an empty batch with More", i, b, err)
		}
		if d := time.Since(start); d > 8*time.Second {
			t.Errorf("Read %d took %v", i, d)
		}
	}
	// A record produced now is read by the same source.
	tp.produce(`{"text":"终于来了"}`)
	if b := read(t, s, 1, true); b.Posts[0].Text != "终于来了" {
		t.Errorf("read %+v", b.Posts)
	}
}

// countingHandler counts warnings.
type countingHandler struct {
	slog.Handler
	warns *atomic.Int64
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.warns.Add(1)
	}
	return nil
}

func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return countingHandler{h.Handler.WithAttrs(as), h.warns}
}

func TestMissingTopicIsAnError(t *testing.T) {
	// A cluster that does not create topics on demand, unlike testkafka's.
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var warns atomic.Int64
	log := slog.New(countingHandler{slog.NewTextHandler(io.Discard, nil), &warns})
	src := configs.Source{Name: "m", Type: configs.SourceKafka, Brokers: c.ListenAddrs(), Topic: "not-there"}
	s, err := kafkasrc.New(src, ingest.DefaultLimits(), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		_, err := s.Read(ctxFor(t, 10*time.Second), nil)
		if err == nil || !strings.Contains(err.Error(), "not-there") || !strings.Contains(err.Error(), "Unknown Topic") {
			t.Errorf("Read %d: %v; want an error naming the missing topic", i, err)
		}
	}
	// kafka-go retries a missing topic in a tight loop, logging each time;
	// the source drops the reader and throttles the log.
	if n := warns.Load(); n > 20 {
		t.Errorf("%d warnings logged for 3 Reads", n)
	}
}
