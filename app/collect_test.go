package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
)

// push sends body to a push source with token ("" sends none).
func (s *testServer) push(source, token, body string) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/api/v1/ingest/push/"+source, bytes.NewReader([]byte(body)))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		s.t.Fatalf("push answered %d with non-JSON %q", resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// sourcesByName returns GET /api/v1/sources keyed by source name.
func (s *testServer) sourcesByName() map[string]map[string]any {
	s.t.Helper()
	code, m := s.do("GET", "/api/v1/sources", "", nil)
	if code != http.StatusOK {
		s.t.Fatalf("GET /api/v1/sources: %d %v", code, m)
	}
	out := map[string]map[string]any{}
	for _, v := range m["sources"].([]any) {
		src := v.(map[string]any)
		out[src["name"].(string)] = src
	}
	return out
}

func TestPushSourceMapsAuthenticatesAndReports(t *testing.T) {
	cfg := embeddedConfig(t)
	cfg.Sources = []configs.Source{{Name: "sms-gateway", Type: configs.SourceHTTPPush, Kind: "sms", Token: "gw-token",
		Region: "浙江省杭州市", Mapping: map[string]string{"mobile": "sender", "content": "text", "time": "received_at"}}}
	s := startApp(t, cfg)
	if got := s.sourcesByName()["sms-gateway"]["state"]; got != "pending" {
		t.Errorf("before any push: state %v", got)
	}
	body := `[{"mobile":"13800000000","content":"【通知】您的快递丢失，添加客服QQ办理理赔退款","time":"2026-11-26T09:00:00+08:00","carrier":"cmcc"},
	          {"mobile":"13800000001","content":""}]`
	if code, m := s.push("sms-gateway", "", body); code != http.StatusUnauthorized || errCode(m) != "unauthorized" {
		t.Errorf("no token: %d %v", code, m)
	}
	if code, m := s.push("sms-gateway", "wrong", body); code != http.StatusUnauthorized || errCode(m) != "unauthorized" {
		t.Errorf("wrong token: %d %v", code, m)
	}
	if code, m := s.push("nope", "gw-token", body); code != http.StatusNotFound || errCode(m) != "not_found" {
		t.Errorf("unknown source: %d %v", code, m)
	}
	code, m := s.push("sms-gateway", "gw-token", body)
	if code != http.StatusAccepted || m["accepted"] != 1.0 || m["rejected"] != 1.0 || m["duplicates"] != 0.0 {
		t.Fatalf("push: %d %v", code, m)
	}
	hits := s.waitSearch("快递 理赔", 1)["hits"].([]any)
	doc := hits[0].(map[string]any)["doc"].(map[string]any)
	if doc["kind"] != "sms" || doc["source"] != "sms-gateway" || doc["region"] != "浙江省杭州市" {
		t.Errorf("doc %v", doc)
	}
	// a gateway retry of the same batch is acknowledged, not stored twice
	code, m = s.push("sms-gateway", "gw-token", body)
	if code != http.StatusAccepted || m["duplicates"] != 1.0 {
		t.Errorf("retry: %d %v", code, m)
	}
	st := s.sourcesByName()["sms-gateway"]
	if st["state"] != "ok" || st["items_today"] != 1.0 || st["rejects_today"] != 2.0 || st["duplicates_today"] != 1.0 {
		t.Errorf("status %v", st)
	}
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// feedSite serves an RSS feed whose items the test sets, and a broken feed.
type feedSite struct {
	mu    sync.Mutex
	items []string // item xml
}

func (f *feedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/feed.xml":
		f.mu.Lock()
		items := strings.Join(f.items, "")
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>本地新闻</title>%s</channel></rss>`, items)
	case "/broken.xml":
		http.Error(w, "upstream exploded", http.StatusInternalServerError)
	default:
		http.NotFound(w, r)
	}
}

func rssItem(n int, text string) string {
	return fmt.Sprintf(`<item><guid>item-%d</guid><title>新闻%d</title><link>http://news.test/%d</link><description>%s</description><pubDate>Thu, 26 Nov 2026 08:%02d:00 +0800</pubDate></item>`, n, n, n, text, n%60)
}

func collectTestConfig(t *testing.T) configs.Config {
	cfg := embeddedConfig(t)
	cfg.Collect.PerHostRate = 100
	cfg.Collect.BackoffInitial = 50 * time.Millisecond
	cfg.Collect.BackoffMax = 100 * time.Millisecond
	cfg.Collect.LeaseTTL = time.Second
	return cfg
}

func TestSourcesReportFailingAndQuiet(t *testing.T) {
	site := &feedSite{items: []string{rssItem(1, "某区发布暴雨橙色预警，请市民减少外出。")}}
	hs := httptest.NewServer(site)
	defer hs.Close()
	cfg := collectTestConfig(t)
	cfg.Sources = []configs.Source{
		{Name: "local-news", Type: configs.SourceRSS, URL: hs.URL + "/feed.xml", Interval: time.Second, QuietAfter: 1500 * time.Millisecond},
		{Name: "broken", Type: configs.SourceRSS, URL: hs.URL + "/broken.xml", Interval: time.Second},
	}
	s := startApp(t, cfg)
	s.waitSearch("暴雨 预警", 1)
	site.mu.Lock()
	site.items = append(site.items, rssItem(2, "地铁二号线因设备故障临时停运，乘客请改乘公交。"))
	site.mu.Unlock()
	s.waitSearch("地铁 停运", 1)
	var st map[string]map[string]any
	waitUntil(t, "broken failing", func() bool {
		st = s.sourcesByName()
		return st["broken"]["state"] == "failing" && st["local-news"]["state"] == "ok"
	})
	if st["local-news"]["items_today"] != 2.0 || st["local-news"]["last_item_at"] == nil {
		t.Errorf("local-news %v", st["local-news"])
	}
	if msg, _ := st["broken"]["last_error"].(string); !strings.Contains(msg, "500") || !strings.Contains(msg, "/broken.xml") {
		t.Errorf("broken last_error %q", msg)
	}
	// local-news keeps answering but has nothing new: quiet after 1.5s
	waitUntil(t, "local-news quiet", func() bool { return s.sourcesByName()["local-news"]["state"] == "quiet" })
	st = s.sourcesByName()
	if st["local-news"]["last_success"] == nil || st["local-news"]["consecutive_failures"] != 0.0 {
		t.Errorf("quiet source %v", st["local-news"])
	}
	// the quiet gauge is set by the next poll
	waitUntil(t, "the quiet gauge", func() bool { return strings.Contains(s.metricsText(), `yuqing_source_quiet{source="local-news"} 1`) })
	metrics := s.metricsText()
	for _, want := range []string{`yuqing_source_polls_total{result="error",source="broken"}`, `yuqing_source_items_total{source="local-news"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestFileSourceDropFolder(t *testing.T) {
	cfg := collectTestConfig(t)
	inbox := filepath.Join(t.TempDir(), "inbox")
	cfg.Sources = []configs.Source{{Name: "sms-drop", Type: configs.SourceFile, Path: inbox, Kind: "sms", Interval: time.Second}}
	s := startApp(t, cfg)
	lines := `{"sender":"10690000","text":"【公安提醒】冒充客服退款的都是诈骗，请勿转账。","received_at":"2026-11-26T10:00:00+08:00"}
{"sender":"10690001","text":""}
`
	if err := os.WriteFile(filepath.Join(inbox, "batch-1.jsonl.tmp"), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(inbox, "batch-1.jsonl.tmp"), filepath.Join(inbox, "batch-1.jsonl")); err != nil {
		t.Fatal(err)
	}
	s.waitSearch("冒充 客服", 1)
	waitUntil(t, "the file moved to done/", func() bool {
		_, err := os.Stat(filepath.Join(inbox, "done", "batch-1.jsonl"))
		return err == nil
	})
	st := s.sourcesByName()["sms-drop"]
	if st["items_today"] != 1.0 || st["rejects_today"] != 1.0 {
		t.Errorf("status %v", st)
	}
}

func (s *testServer) metricsText() string {
	s.t.Helper()
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// An embedded server reads another team's crawler topic through a kafka
// source (the cluster is kfake, the client the real kafka-go one).
func TestKafkaSourceFromAnEmbeddedServer(t *testing.T) {
	brokers := testkafka.Brokers(t)
	ext, err := kafkabus.New(kafkabus.Config{Brokers: brokers, ClientID: "crawler", Partitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ext.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ext.EnsureTopics(ctx, "crawler.posts"); err != nil {
		t.Fatal(err)
	}
	cfg := collectTestConfig(t)
	cfg.Sources = []configs.Source{{Name: "crawler", Type: configs.SourceKafka, Brokers: brokers, Topic: "crawler.posts",
		Mapping: map[string]string{"content": "text", "link": "url"}}}
	s := startApp(t, cfg)
	if err := ext.Produce(ctx,
		bus.Message{Topic: "crawler.posts", Key: []byte("1"), Value: []byte(`{"content":"某化工厂发生泄漏，周边居民紧急疏散。","link":"http://crawl.test/1","site":"bbs"}`)},
		bus.Message{Topic: "crawler.posts", Key: []byte("2"), Value: []byte(`{"link":"http://crawl.test/2"}`)},
	); err != nil {
		t.Fatal(err)
	}
	hits := s.waitSearch("化工厂 泄漏", 1)["hits"].([]any)
	doc := hits[0].(map[string]any)["doc"].(map[string]any)
	if doc["source"] != "crawler" || doc["url"] != "http://crawl.test/1" {
		t.Errorf("doc %v", doc)
	}
	waitUntil(t, "kafka source status", func() bool {
		st := s.sourcesByName()["crawler"]
		return st["state"] == "ok" && st["items_today"] == 1.0 && st["rejects_today"] == 1.0
	})
}

func newRequest(method, url string, headers map[string]string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req, err
}

func doRequest(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// The console is served by the same server: pages outside /api/, JSON
// errors inside it.
func TestConsoleIsServedBesideTheAPI(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	for path, want := range map[string]string{"/": "text/html", "/search?q=火灾": "text/html", "/alerts": "text/html", "/api/v1/nope": "application/json"} {
		resp, err := http.Get(s.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
			t.Errorf("%s: %d %s, want %s", path, resp.StatusCode, ct, want)
		}
		if strings.HasPrefix(path, "/api/") != (resp.StatusCode == http.StatusNotFound) {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
	}
}
