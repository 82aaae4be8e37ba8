package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/probe"
)

// testServer runs an App on a free loopback port until the test ends.
type testServer struct {
	t    *testing.T
	base string
	stop func() error
	app  *App
}

func startApp(t *testing.T, cfg configs.Config) *testServer {
	t.Helper()
	return startAppWith(t, cfg, Options{})
}

// startAppWith is startApp with options (the listener is set here).
func startAppWith(t *testing.T, cfg configs.Config, opts Options) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Listener = ln
	a, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var stopped bool
	var runErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			runErr = <-done
		}
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("app.Run: %v", err)
		}
	})
	s := &testServer{t: t, base: "http://" + ln.Addr().String(), stop: stop, app: a}
	s.waitReady()
	return s
}

func embeddedConfig(t *testing.T) configs.Config {
	cfg := configs.Default()
	cfg.DataDir = t.TempDir()
	cfg.Pipeline.BatchWait = 5 * time.Millisecond
	return cfg
}

func (s *testServer) waitReady() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := probe.WaitReady(ctx, s.base, 20*time.Millisecond); err != nil {
		s.t.Fatal(err)
	}
}

// do sends a request and decodes the JSON answer into a map.
func (s *testServer) do(method, path, contentType string, body []byte) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		s.t.Fatalf("%s %s answered %d with non-JSON %q", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// waitSearch polls a search until it has want hits.
func (s *testServer) waitSearch(q string, want int) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := s.do("GET", "/api/v1/search?q="+urlQuery(q), "", nil)
		if int(m["total"].(float64)) == want {
			return m
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("search %q: total %v, want %d", q, m["total"], want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func urlQuery(q string) string {
	r := strings.NewReplacer(" ", "+", `"`, "%22", "#", "%23", "&", "%26")
	return r.Replace(q)
}

const mixedBatch = `{"id":"p1","source":"weibo","text":"杭州市西湖区一小区发生火灾，消防已到场。","published_at":"2026-11-20T08:00:00+08:00"}
{"id":"p2","source":"weibo","text":""}
{"id":"p3","source":"weibo","text":"滨江区突发爆炸","published_at":"yesterday"}
not json at all
{"source":"forum:tieba","url":"https://tieba.example/p/1","text":"网传某商场火灾，官方已辟谣。","extra":1}
{"source":"forum:tieba","url":"https://tieba.example/p/2","text":"网传某商场火灾，官方已辟谣。"}
`

func TestEmbeddedIngestSearchAndReport(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	status, m := s.do("POST", "/api/v1/ingest/posts", "application/x-ndjson", []byte(mixedBatch))
	if status != http.StatusAccepted {
		t.Fatalf("status %d: %v", status, m)
	}
	if m["accepted"].(float64) != 2 || m["rejected"].(float64) != 4 {
		t.Fatalf("report %v", m)
	}
	codes := map[float64]string{}
	for _, r := range m["rejects"].([]any) {
		r := r.(map[string]any)
		codes[r["line"].(float64)] = r["code"].(string)
	}
	want := map[float64]string{2: "missing_text", 3: "bad_time", 4: "bad_json", 5: "unknown_field"}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("reject codes by line = %v, want %v", codes, want)
	}
	ids := m["ids"].([]any)
	if ids[0] != "p1" || !strings.HasPrefix(ids[1].(string), "u") {
		t.Errorf("ids %v", ids)
	}

	res := s.waitSearch("火灾", 2)
	var marked bool
	for _, h := range res["hits"].([]any) {
		frags := fmt.Sprint(h.(map[string]any)["fragments"])
		marked = marked || strings.Contains(frags, "<mark>火灾</mark>")
	}
	if !marked {
		t.Errorf("no <mark>火灾</mark> in %v", res["hits"])
	}
	s.waitSearch("火灾 -辟谣", 1)

	status, doc := s.do("GET", "/api/v1/docs/p1", "", nil)
	if status != http.StatusOK || doc["source"] != "weibo" || doc["published_at"] != "2026-11-20T08:00:00+08:00" || doc["tokens"] != nil {
		t.Errorf("doc p1: %d %v", status, doc)
	}
	status, e := s.do("GET", "/api/v1/docs/nope", "", nil)
	if status != http.StatusNotFound || e["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("missing doc: %d %v", status, e)
	}
}

func TestIngestSMSAndGBK(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	sms := `[{"sender":"10690000","receiver":"13800000000","text":"您的账户涉嫌洗钱，请立即转账到安全账户","received_at":"2026-11-21T10:00:00Z","gateway":"gw1"}]`
	status, m := s.do("POST", "/api/v1/ingest/sms", "application/json", []byte(sms))
	if status != http.StatusAccepted || m["accepted"].(float64) != 1 {
		t.Fatalf("sms: %d %v", status, m)
	}
	res := s.waitSearch("安全账户", 1)
	h := res["hits"].([]any)[0].(map[string]any)["doc"].(map[string]any)
	if h["kind"] != "sms" || h["source"] != "sms:gw1" {
		t.Errorf("sms doc %v", h)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(`{"id":"g1","text":"高速公路发生交通事故"}`))
	status, m = s.do("POST", "/api/v1/ingest/posts", "application/json; charset=gbk", gbk)
	if status != http.StatusAccepted {
		t.Fatalf("gbk: %d %v", status, m)
	}
	s.waitSearch("交通事故", 1)
	// The same GBK bytes without the charset are not UTF-8: rejected, clearly.
	status, m = s.do("POST", "/api/v1/ingest/posts", "application/json", gbk)
	if status != http.StatusBadRequest || m["rejects"].([]any)[0].(map[string]any)["code"] != "invalid_utf8" {
		t.Errorf("undeclared gbk: %d %v", status, m)
	}
}

func TestIngestErrorsAreJSONWithCodes(t *testing.T) {
	cfg := embeddedConfig(t)
	cfg.HTTP.MaxBodyBytes = 1024
	cfg.Ingest.MaxTextBytes = 100
	s := startApp(t, cfg)
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"empty", "  \n", 400, "empty_body"},
		{"too large", strings.Repeat("x", 2000), 413, "body_too_large"},
		{"all bad", `{"text":""}`, 400, "no_valid_records"},
		{"oversize record", `{"text":"` + strings.Repeat("长", 50) + `"}`, 400, "no_valid_records"},
	}
	for _, tc := range tests {
		status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(tc.body))
		e, _ := m["error"].(map[string]any)
		if status != tc.status || e["code"] != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, m, tc.status, tc.code)
		}
	}
	status, m := s.do("GET", "/api/v1/search?size=1000", "", nil)
	if status != 400 || m["error"].(map[string]any)["code"] != "bad_param" {
		t.Errorf("size=1000: %d %v", status, m)
	}
	status, m = s.do("GET", "/api/v1/nope", "", nil)
	if status != 404 || m["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("unknown route: %d %v", status, m)
	}
}

func TestDuplicateBatchLeavesOneCopy(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `{"source":"weibo","url":"https://weibo.example/%d","text":"第%d条：某地发生山体滑坡"}`+"\n", i, i)
	}
	for range 3 {
		if status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(b.String())); status != 202 {
			t.Fatalf("%d %v", status, m)
		}
	}
	s.waitSearch("滑坡", 50)
	// Give the pipeline time to (wrongly) add more copies, then check again.
	time.Sleep(300 * time.Millisecond)
	s.waitSearch("滑坡", 50)
}

func TestHealthReadyMetrics(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	if status, m := s.do("GET", "/healthz", "", nil); status != 200 || m["status"] != "ok" {
		t.Errorf("healthz %d %v", status, m)
	}
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"m1","text":"暴雨导致道路积水"}`+"\n"+`{"text":""}`))
	s.waitSearch("暴雨", 1)
	// Searchable comes before the index stage commits and counts the batch.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := probe.WaitIndexed(ctx, s.base, 1, 1, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`yuqing_ingest_records_accepted_total{endpoint="posts"} 1`,
		`yuqing_ingest_records_rejected_total{code="missing_text",endpoint="posts"} 1`,
		`yuqing_stage_records_total{stage="analyze"} 1`,
		`yuqing_stage_records_total{stage="index"} 1`,
		`yuqing_stage_lag_records{stage="index"} 0`,
		`yuqing_stage_batch_duration_seconds_bucket`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRestartKeepsDocsAndResumes(t *testing.T) {
	cfg := embeddedConfig(t)
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"r1","text":"化工厂发生泄漏"}`))
	s.waitSearch("泄漏", 1)
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	s2 := startApp(t, cfg)
	s2.waitSearch("泄漏", 1)
	s2.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"r2","text":"仓库泄漏已控制"}`))
	s2.waitSearch("泄漏", 2)
}

func TestAnalyzeAPI(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	body := `{"id":"a1","kind":"sms","text":"您好，我是公安局民警，您的账户涉嫌洗钱，请将资金转入安全账户，回电13812345678"}
{"id":"a2"}
{"id":"a3","text":"杭州市西湖区一小区发生火灾，消防已到场。"}`
	status, m := s.do("POST", "/api/v1/analyze", "application/x-ndjson", []byte(body))
	if status != http.StatusOK {
		t.Fatalf("analyze: %d %v", status, m)
	}
	docs := m["docs"].([]any)
	if len(docs) != 2 || len(m["rejects"].([]any)) != 1 {
		t.Fatalf("analyze answer %v", m)
	}
	d := docs[0].(map[string]any)
	cats := d["categories"].(map[string]any)
	if cats["fraud.impersonation"].(float64) < 0.5 || !strings.Contains(d["masked_text"].(string), "138****5678") ||
		d["explanation"] == nil || d["simhash"] == "" || d["risk"].(float64) <= 0 {
		t.Errorf("fraud doc %v", d)
	}
	if locs := fmt.Sprint(docs[1].(map[string]any)["locations"]); !strings.Contains(locs, "西湖区") {
		t.Errorf("locations %s", locs)
	}
	// Nothing was stored.
	if _, m := s.do("GET", "/api/v1/search?size=1", "", nil); m["total"].(float64) != 0 {
		t.Errorf("analyze stored documents: %v", m)
	}
}

// TestPipelineMasksAndClustersReposts: what is indexed and shown is the
// masked text, and reposts share the original's cluster_id.
func TestPipelineMasksAndClustersReposts(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	orig := "杭州市西湖区文三路一化工仓库发生火灾，现场浓烟滚滚，消防已调派多辆消防车赶赴现场处置，知情者请拨打13812345678。"
	body := fmt.Sprintf(`{"id":"o","text":%q,"published_at":"2026-11-20T08:00:00Z"}
{"id":"r1","text":%q,"published_at":"2026-11-20T09:00:00Z"}
{"id":"r2","text":%q,"published_at":"2026-11-20T10:00:00Z"}
{"id":"u","text":"今天天气晴朗，西湖边游客很多，断桥上人山人海。","published_at":"2026-11-20T11:00:00Z"}`,
		orig, "转发:"+orig+"😭😭", "太可怕了//@路人甲:"+orig)
	if status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(body)); status != http.StatusAccepted {
		t.Fatalf("%d %v", status, m)
	}
	s.waitSearch("火灾", 3)
	cluster := map[string]string{}
	for _, id := range []string{"o", "r1", "r2", "u"} {
		status, d := s.do("GET", "/api/v1/docs/"+id, "", nil)
		if status != http.StatusOK {
			t.Fatalf("doc %s: %d %v", id, status, d)
		}
		cluster[id], _ = d["cluster_id"].(string)
		if id == "o" && (strings.Contains(d["text"].(string), "13812345678") || !strings.Contains(d["text"].(string), "138****5678")) {
			t.Errorf("doc o shows %q, want the masked text", d["text"])
		}
	}
	if cluster["o"] != "o" || cluster["r1"] != "o" || cluster["r2"] != "o" || cluster["u"] != "u" {
		t.Errorf("clusters %v, want reposts in o's and u alone", cluster)
	}
	if _, m := s.do("GET", "/api/v1/search?q=13812345678", "", nil); m["total"].(float64) != 0 {
		t.Errorf("the unmasked phone number is searchable: %v", m)
	}
}

// TestDictionaryReloadWithoutRestart: a dictionary file changed on disk is
// picked up by the running server; a broken edit keeps the last good one.
func TestDictionaryReloadWithoutRestart(t *testing.T) {
	dir := t.TempDir()
	dict := filepath.Join(dir, "mine.txt")
	if err := os.WriteFile(dict, []byte("# empty for now\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := embeddedConfig(t)
	cfg.Analysis.Dicts = []string{filepath.Join(dir, "*.txt")}
	cfg.Analysis.DictReloadInterval = 20 * time.Millisecond
	s := startApp(t, cfg)
	const text = "网友称小区里出现了大量蓝莓汁刷屏现象"
	tokens := func() string {
		_, m := s.do("POST", "/api/v1/analyze", "", []byte(fmt.Sprintf(`{"text":%q}`, text)))
		var terms []string
		for _, tok := range m["docs"].([]any)[0].(map[string]any)["tokens"].([]any) {
			terms = append(terms, tok.(map[string]any)["t"].(string))
		}
		return "|" + strings.Join(terms, "|") + "|"
	}
	if strings.Contains(tokens(), "|蓝莓汁刷屏|") {
		t.Fatal("the test word is already whole without the dictionary")
	}
	waitReloads := func(result string, n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			resp, err := http.Get(s.base + "/metrics")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(body), fmt.Sprintf(`yuqing_dict_reloads_total{result=%q} %d`, result, n)) {
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no %d %s reloads", n, result)
	}
	// mtime resolution can hide a quick rewrite; the size changes too.
	os.WriteFile(dict, []byte("蓝莓汁刷屏 5000 n\n"), 0o644)
	waitReloads("ok", 1)
	if got := tokens(); !strings.Contains(got, "|蓝莓汁刷屏|") {
		t.Fatalf("after reload tokens are %s", got)
	}
	os.WriteFile(dict, []byte("蓝莓汁刷屏 lots n\n"), 0o644)
	waitReloads("error", 1)
	if got := tokens(); !strings.Contains(got, "|蓝莓汁刷屏|") {
		t.Fatalf("a broken dictionary replaced the good one: %s", got)
	}
}

func TestSavedSearchesAPI(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	status, a := s.do("POST", "/api/v1/searches", "application/json", []byte(`{"name":"杭州火灾","query":"火灾 region:杭州","owner":"analyst1"}`))
	if status != http.StatusCreated || a["id"] == "" || a["created_at"] == "" {
		t.Fatalf("create: %d %v", status, a)
	}
	id := a["id"].(string)
	if status, e := s.do("POST", "/api/v1/searches", "", []byte(`{"query":"x","owner":"o"}`)); status != http.StatusBadRequest ||
		e["error"].(map[string]any)["code"] != "invalid" || !strings.Contains(fmt.Sprint(e), "name") {
		t.Errorf("nameless: %d %v", status, e)
	}
	if status, e := s.do("POST", "/api/v1/searches", "", []byte(`{"name":"x","query":"x","owner":"o","color":1}`)); status != http.StatusBadRequest {
		t.Errorf("unknown field: %d %v", status, e)
	}
	_, list := s.do("GET", "/api/v1/searches", "", nil)
	if got := list["searches"].([]any); len(got) != 1 || got[0].(map[string]any)["query"] != "火灾 region:杭州" {
		t.Fatalf("list %v", list)
	}
	if status, got := s.do("GET", "/api/v1/searches/"+id, "", nil); status != http.StatusOK || got["owner"] != "analyst1" {
		t.Fatalf("get %d %v", status, got)
	}
	req, _ := http.NewRequest("DELETE", s.base+"/api/v1/searches/"+id, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, e := s.do("GET", "/api/v1/searches/"+id, "", nil); status != http.StatusNotFound || e["error"].(map[string]any)["code"] != "not_found" {
		t.Fatalf("get deleted: %d %v", status, e)
	}
}

func TestSearchAPIQueryLanguageAndHistogram(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	body := `{"id":"h1","source":"weibo","text":"西湖区一小区发生火灾","published_at":"2026-11-20T01:30:00Z"}
{"id":"h2","source":"douyin","text":"宁波仓库起火，火灾原因调查中","published_at":"2026-11-20T03:10:00Z"}
{"id":"h3","source":"weibo","text":"高速发生追尾事故","published_at":"2026-11-21T03:10:00Z"}`
	if status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(body)); status != http.StatusAccepted {
		t.Fatalf("%d %v", status, m)
	}
	s.waitSearch("火灾 OR 追尾", 3)
	_, m := s.do("GET", "/api/v1/search?q="+urlQuery("火灾 source:weibo")+"&facets=source,category", "", nil)
	if m["total"].(float64) != 1 || m["facets"] == nil {
		t.Errorf("search: %v", m)
	}
	status, e := s.do("GET", "/api/v1/search?q="+urlQuery("(火灾"), "", nil)
	if errObj, _ := e["error"].(map[string]any); status != http.StatusBadRequest || errObj["code"] != "bad_query" || errObj["position"] == nil {
		t.Errorf("bad query: %d %v", status, e)
	}
	status, e = s.do("GET", "/api/v1/search?q=x&collapse=thread", "", nil)
	if status != http.StatusBadRequest || e["error"].(map[string]any)["code"] != "bad_param" {
		t.Errorf("bad collapse: %d %v", status, e)
	}
	status, h := s.do("GET", "/api/v1/stats/histogram?q="+urlQuery("火灾")+"&interval=1h&from=2026-11-20T00:00:00Z&to=2026-11-20T06:00:00Z&split=source", "", nil)
	if status != http.StatusOK {
		t.Fatalf("histogram: %d %v", status, h)
	}
	series := h["series"].([]any)
	var counts []int
	for _, b := range series[0].(map[string]any)["buckets"].([]any) {
		counts = append(counts, int(b.(map[string]any)["count"].(float64)))
	}
	if fmt.Sprint(counts) != "[0 1 0 1 0 0]" || len(series) != 3 {
		t.Errorf("histogram buckets %v, %d series: %v", counts, len(series), h)
	}
	if status, e := s.do("GET", "/api/v1/stats/histogram?interval=5m", "", nil); status != http.StatusBadRequest {
		t.Errorf("bad interval: %d %v", status, e)
	}
}

// TestAlertFiresToWebhookOncePerIncident: a rule fires on an ingested
// post, the alert reaches a real local webhook, a repost updates the same
// alert without a second notification, and ack/resolve work over the API.
func TestAlertFiresToWebhookOncePerIncident(t *testing.T) {
	var (
		mu   sync.Mutex
		hits []map[string]any
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		hits = append(hits, m)
		mu.Unlock()
	}))
	defer hook.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "fire.yaml"), []byte(`id: fire-hangzhou
name: 杭州火灾
severity: P1
type: any
match: '(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习'
group_by: [cluster_id]
group_wait: 0s
realert: 10m
receivers: [duty-webhook]
`), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{{Name: "duty-webhook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	s := startApp(t, cfg)
	orig := "杭州市西湖区一小区发生火灾，现场浓烟滚滚，消防已到场处置。"
	body := fmt.Sprintf(`{"id":"a1","source":"weibo","text":%q}
{"id":"drill","source":"weibo","text":"杭州消防在西湖区举行火灾逃生演习。"}`, orig)
	if status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(body)); status != http.StatusAccepted {
		t.Fatalf("%d %v", status, m)
	}
	waitFor := func(what string, cond func() bool) { t.Helper(); waitUntil(t, what, cond) }
	waitFor("the webhook", func() bool { mu.Lock(); defer mu.Unlock(); return len(hits) == 1 })
	mu.Lock()
	payload := fmt.Sprint(hits[0])
	mu.Unlock()
	if !strings.Contains(payload, "fire-hangzhou") || !strings.Contains(payload, "firing") {
		t.Errorf("webhook payload %s", payload)
	}
	_, list := s.do("GET", "/api/v1/alerts?status=firing", "", nil)
	alerts := list["alerts"].([]any)
	if len(alerts) != 1 {
		t.Fatalf("alerts %v", list)
	}
	a := alerts[0].(map[string]any)
	id := a["id"].(string)
	if a["rule_id"] != "fire-hangzhou" || a["severity"] != "P1" || !strings.Contains(fmt.Sprint(a["explanation"]), "火灾") {
		t.Errorf("alert %v", a)
	}

	// A repost joins the same incident: count 2, no second notification.
	s.do("POST", "/api/v1/ingest/posts", "", []byte(fmt.Sprintf(`{"id":"a2","source":"douyin","text":%q}`, "转发:"+orig)))
	waitFor("the repost on the alert", func() bool {
		_, got := s.do("GET", "/api/v1/alerts/"+id, "", nil)
		c, _ := got["count"].(float64)
		return c == 2
	})
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	n := len(hits)
	mu.Unlock()
	if n != 1 {
		t.Errorf("%d webhook calls for one incident, want 1", n)
	}

	if status, got := s.do("POST", "/api/v1/alerts/"+id+"/ack", "", []byte(`{"by":"duty-officer","comment":"已联系消防"}`)); status != http.StatusOK || got["status"] != "acknowledged" || got["acked_by"] != "duty-officer" {
		t.Fatalf("ack: %d %v", status, got)
	}
	if status, e := s.do("POST", "/api/v1/alerts/"+id+"/ack", "", []byte(`{"by":"x"}`)); status != http.StatusConflict {
		t.Errorf("second ack: %d %v", status, e)
	}
	if status, got := s.do("POST", "/api/v1/alerts/"+id+"/resolve", "", []byte(`{"by":"duty-officer"}`)); status != http.StatusOK || got["status"] != "resolved" {
		t.Fatalf("resolve: %d %v", status, got)
	}
	if status, _ := s.do("GET", "/api/v1/alerts/nope", "", nil); status != http.StatusNotFound {
		t.Errorf("missing alert: %d", status)
	}
}

// TestSilencesAndDeadLettersAPI: a silence keeps an alert from notifying;
// a receiver that refuses the alert leaves it in the dead letters.
func TestSilencesAndDeadLettersAPI(t *testing.T) {
	var calls atomic.Int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "no such channel", http.StatusBadRequest) // permanent: straight to dead letters
	}))
	defer hook.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(`id: fire
name: 火灾
severity: P1
type: any
match: '火灾'
group_by: [source]
group_wait: 0s
receivers: [hook]
---
id: explosion
name: 爆炸
severity: P2
type: any
match: '爆炸'
group_by: [source]
group_wait: 0s
receivers: [hook]
`), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	s := startApp(t, cfg)

	end := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	status, sil := s.do("POST", "/api/v1/silences", "", []byte(`{"matchers":{"rule_id":"fire"},"end":"`+end+`","created_by":"duty","comment":"已知演练"}`))
	if status != http.StatusCreated || sil["id"] == "" {
		t.Fatalf("add silence: %d %v", status, sil)
	}
	if status, e := s.do("POST", "/api/v1/silences", "", []byte(`{"matchers":{},"end":"`+end+`","created_by":"duty"}`)); status != http.StatusBadRequest {
		t.Errorf("silence without matchers: %d %v", status, e)
	}
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"f","source":"weibo","text":"小区发生火灾"}
{"id":"e","source":"weibo","text":"工厂发生爆炸"}`))
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, dl := s.do("GET", "/api/v1/notifications/dead", "", nil)
		if n := len(dl["dead_letters"].([]any)); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead letters: %v", dl)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, list := s.do("GET", "/api/v1/alerts", "", nil)
	statuses := map[string]string{}
	for _, a := range list["alerts"].([]any) {
		a := a.(map[string]any)
		statuses[a["rule_id"].(string)] = a["status"].(string)
	}
	if statuses["fire"] != "silenced" || statuses["explosion"] != "firing" {
		t.Errorf("alert statuses %v", statuses)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("webhook called %d times, want once (the silenced alert is not sent)", n)
	}
	_, sl := s.do("GET", "/api/v1/silences", "", nil)
	if len(sl["silences"].([]any)) != 1 {
		t.Errorf("silences %v", sl)
	}
	req, _ := http.NewRequest("DELETE", s.base+"/api/v1/silences/"+sil["id"].(string), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete silence: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestRulesReloadWithoutRestart: a new rule file is picked up by the
// running server, a broken one keeps the rules in use.
func TestRulesReloadWithoutRestart(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", "id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\n")
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.RulesReloadInterval = 20 * time.Millisecond
	s := startApp(t, cfg)
	ids := func() string {
		_, m := s.do("GET", "/api/v1/rules", "", nil)
		var out []string
		for _, r := range m["rules"].([]any) {
			out = append(out, r.(map[string]any)["id"].(string)+"@"+r.(map[string]any)["version"].(string)[:4])
		}
		return strings.Join(out, ",")
	}
	first := ids()
	if !strings.HasPrefix(first, "fire@") {
		t.Fatalf("rules %s", first)
	}
	write("b.yaml", "id: quake\nname: 地震\nseverity: P1\ntype: any\nmatch: '地震'\n")
	waitUntil(t, "the new rule", func() bool { return strings.Contains(ids(), "quake@") })
	write("c.yaml", "id: broken\nseverity: P9\ntype: any\nmatch: 'x'\n")
	waitUntil(t, "the failed reload", func() bool {
		resp, err := http.Get(s.base + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(body), `yuqing_rules_reloads_total{result="error"}`)
	})
	if got := ids(); !strings.Contains(got, "fire@") || !strings.Contains(got, "quake@") || strings.Contains(got, "broken") {
		t.Fatalf("after a broken file the rules are %s", got)
	}
}

// TestAlertStream: the server-sent event stream shows a new alert and its
// acknowledgement.
func TestAlertStream(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\ngroup_by: [source]\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	s := startApp(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/api/v1/alerts/stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan map[string]any, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var a map[string]any
				json.Unmarshal([]byte(data), &a)
				events <- a
			}
		}
		close(events)
	}()
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"f","source":"weibo","text":"小区发生火灾"}`))
	next := func() map[string]any {
		t.Helper()
		select {
		case a, ok := <-events:
			if !ok {
				t.Fatal("stream closed")
			}
			return a
		case <-ctx.Done():
			t.Fatal("no event")
		}
		return nil
	}
	a := next()
	if a["rule_id"] != "fire" || a["status"] != "firing" {
		t.Fatalf("first event %v", a)
	}
	s.do("POST", "/api/v1/alerts/"+a["id"].(string)+"/ack", "", []byte(`{"by":"duty"}`))
	for {
		b := next()
		if b["id"] == a["id"] && b["status"] == "acknowledged" {
			break
		}
	}
}

// TestChatReceiverAndPreview: a DingTalk group-bot receiver gets the
// rendered markdown message; the preview endpoint shows the same body.
func TestChatReceiverAndPreview(t *testing.T) {
	bodies := make(chan map[string]any, 4)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		bodies <- m
	}))
	defer bot.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\ngroup_by: [source]\ngroup_wait: 0s\nreceivers: [duty-ding]\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{{Name: "duty-ding", Type: configs.ReceiverDingTalk, URL: bot.URL,
		Template: "{{.Alert.Title}}：{{.Alert.Summary}}（{{.Alert.Severity}}）"}}
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"f","source":"weibo","text":"小区发生火灾"}`))
	var got map[string]any
	select {
	case got = <-bodies:
	case <-time.After(20 * time.Second):
		t.Fatal("the bot got nothing")
	}
	md, _ := got["markdown"].(map[string]any)
	if got["msgtype"] != "markdown" || !strings.Contains(fmt.Sprint(md["text"]), "火灾：") || !strings.Contains(fmt.Sprint(md["text"]), "（P1）") {
		t.Fatalf("bot body %v", got)
	}
	_, list := s.do("GET", "/api/v1/alerts", "", nil)
	id := list["alerts"].([]any)[0].(map[string]any)["id"].(string)
	status, pv := s.do("GET", "/api/v1/alerts/"+id+"/preview?receiver=duty-ding", "", nil)
	if p, _ := pv["payload"].(map[string]any); status != http.StatusOK || p["msgtype"] != "markdown" {
		t.Fatalf("preview: %d %v", status, pv)
	}
	if status, _ := s.do("GET", "/api/v1/alerts/"+id+"/preview?receiver=nobody", "", nil); status != http.StatusBadRequest {
		t.Errorf("preview for an unknown receiver: %d", status)
	}
}

// TestEscalation: an unacknowledged P1 alert notifies the next link after
// its delay, once; an acknowledged one does not escalate further.
func TestEscalation(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	hook := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got[name]++
			mu.Unlock()
		}))
	}
	duty, lead, director := hook("duty"), hook("lead"), hook("director")
	defer duty.Close()
	defer lead.Close()
	defer director.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\ngroup_by: [source]\ngroup_wait: 0s\nreceivers: [duty]\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{
		{Name: "duty", Type: configs.ReceiverWebhook, URL: duty.URL},
		{Name: "lead", Type: configs.ReceiverWebhook, URL: lead.URL},
		{Name: "director", Type: configs.ReceiverWebhook, URL: director.URL},
	}
	cfg.Escalation = map[string]configs.EscalationPolicy{"P1": {Steps: []configs.EscalationStep{
		{After: 300 * time.Millisecond, Receivers: []string{"lead"}},
		{After: 5 * time.Second, Receivers: []string{"director"}},
	}}}
	cfg.EscalationInterval = 50 * time.Millisecond
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"f","source":"weibo","text":"小区发生火灾"}`))
	count := func(name string) int { mu.Lock(); defer mu.Unlock(); return got[name] }
	deadline := time.Now().Add(20 * time.Second)
	for count("lead") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("never escalated: %v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, list := s.do("GET", "/api/v1/alerts", "", nil)
	a := list["alerts"].([]any)[0].(map[string]any)
	if a["escalation_level"] != 1.0 {
		t.Errorf("alert %v", a)
	}
	s.do("POST", "/api/v1/alerts/"+a["id"].(string)+"/ack", "", []byte(`{"by":"lead"}`))
	time.Sleep(6 * time.Second) // past the director's step
	if count("duty") != 1 || count("lead") != 1 || count("director") != 0 {
		t.Errorf("notifications %v, want duty 1, lead 1, director 0", got)
	}
}

// TestAutoResolve: a quiet alert is resolved and its receiver told.
func TestAutoResolve(t *testing.T) {
	var mu sync.Mutex
	var statuses []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		statuses = append(statuses, fmt.Sprint(m["status"]))
		mu.Unlock()
	}))
	defer hook.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: fire\nname: 火灾\nseverity: P2\ntype: any\nmatch: '火灾'\ngroup_by: [source]\ngroup_wait: 0s\nreceivers: [hook]\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	cfg.AutoResolveAfter = 500 * time.Millisecond
	cfg.EscalationInterval = 50 * time.Millisecond
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"f","source":"weibo","text":"小区发生火灾"}`))
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(statuses, ",")
		mu.Unlock()
		if got == "firing,resolved" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook statuses %q, want firing,resolved", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, list := s.do("GET", "/api/v1/alerts?status=resolved", "", nil)
	if len(list["alerts"].([]any)) != 1 {
		t.Fatalf("resolved alerts %v", list)
	}
}

// TestPutRules: rules sent over the API are validated against the rule
// directory, stored and in force at once.
func TestPutRules(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("# Fires: tuned by the duty team.\nid: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\n---\nid: flood\nname: 洪水\nseverity: P2\ntype: any\nmatch: '洪水' # keep this one\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.RulesReloadInterval = 0
	s := startApp(t, cfg)
	req := func(body string) (int, map[string]any) {
		r, _ := http.NewRequest("PUT", s.base+"/api/v1/rules", strings.NewReader(body))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	status, m := req("id: quake\nname: 地震\nseverity: P1\ntype: any\nmatch: '地震 AND 级'\n")
	if status != http.StatusOK || len(m["rules"].([]any)) != 3 {
		t.Fatalf("put: %d %v", status, m)
	}
	if _, err := os.Stat(filepath.Join(dir, "api-quake.yaml")); err != nil {
		t.Fatalf("rule file not stored: %v", err)
	}
	for _, bad := range []string{
		"id: d\nseverity: P1\ntype: any\nmatch: 'x'\n---\nid: d\nseverity: P2\ntype: any\nmatch: 'y'\n", // one id twice
		"id: x\nseverity: P9\ntype: any\nmatch: 'x'\n",                                                  // bad severity
		"id: y\nseverity: P1\ntype: any\nmatch: '(x'\n",                                                 // bad expression
		"id: fire\nseverity: P9\ntype: any\nmatch: 'x'\n",                                               // a bad edit of a file's rule
	} {
		if status, e := req(bad); status != http.StatusBadRequest {
			t.Errorf("put %q: %d %v", bad, status, e)
		}
	}
	// Replacing a rule written by the API is allowed.
	if status, m := req("id: quake\nname: 地震\nseverity: P2\ntype: any\nmatch: '地震'\n"); status != http.StatusOK || len(m["rules"].([]any)) != 3 {
		t.Fatalf("replace: %d %v", status, m)
	}
	// Tuning a rule a file defines (a shipped rule) edits it in its file:
	// no second definition, the file's other rule and comments kept.
	status, m = req("id: fire\nname: 火灾\nseverity: P2\ntype: any\nmatch: '火灾 AND NOT 演习'\n")
	if status != http.StatusOK || len(m["rules"].([]any)) != 3 {
		t.Fatalf("editing a file's rule: %d %v", status, m)
	}
	for _, r := range m["rules"].([]any) {
		if r := r.(map[string]any); r["id"] == "fire" && (r["severity"] != "P2" || r["match"] != "火灾 AND NOT 演习") {
			t.Errorf("the edit is not in force: %v", r)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "api-fire.yaml")); err == nil {
		t.Error("the edit went to api-fire.yaml instead of a.yaml")
	}
	data, _ := os.ReadFile(filepath.Join(dir, "a.yaml"))
	for _, want := range []string{"# Fires: tuned by the duty team.", "severity: P2", "id: flood", "# keep this one"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("a.yaml lacks %q after the edit:\n%s", want, data)
		}
	}
	// The editor opens a rule as written in its file, comments included.
	resp, err := http.Get(s.base + "/api/v1/rules/flood/yaml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if status, text := resp.StatusCode, string(body); status != http.StatusOK || !strings.Contains(text, "# keep this one") || strings.Contains(text, "fire") {
		t.Errorf("GET flood's YAML: %d %q", status, text)
	}
	if status, _ := s.do("GET", "/api/v1/rules/nope/yaml", "", nil); status != http.StatusNotFound {
		t.Errorf("GET an unknown rule's YAML: %d", status)
	}
}

// TestGroupWait: the first notification of an alert waits group_wait and
// carries the whole burst.
func TestGroupWait(t *testing.T) {
	var mu sync.Mutex
	var counts []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Alerts []struct {
				Annotations map[string]string `json:"annotations"`
			} `json:"alerts"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		counts = append(counts, m.Alerts[0].Annotations["count"])
		mu.Unlock()
	}))
	defer hook.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾'\ngroup_by: [source]\ngroup_wait: 1s\nreceivers: [hook]\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	cfg.EscalationInterval = 50 * time.Millisecond
	s := startApp(t, cfg)
	start := time.Now()
	for i := range 3 {
		s.do("POST", "/api/v1/ingest/posts", "", []byte(fmt.Sprintf(`{"id":"f%d","source":"weibo","text":"小区发生火灾，第%d条"}`, i, i)))
		time.Sleep(100 * time.Millisecond)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(counts)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no notification")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("notified after %v, before group_wait", waited)
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(counts) != 1 || counts[0] != "3" {
		t.Errorf("notifications with counts %v, want one with 3", counts)
	}
}

// waitUntil polls cond every 20 ms for up to 20 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// When more records wait to be indexed than ingest.max_backlog, ingest
// answers 503 with Retry-After instead of queueing more; a client that
// retries gets everything in, once.
func TestIngestBackPressure(t *testing.T) {
	cfg := embeddedConfig(t)
	cfg.Ingest.MaxBacklog = 300
	cfg.Pipeline.BatchSize = 50
	s := startApp(t, cfg)
	const batches, per = 30, 200
	refused, accepted := 0, 0
	for b := range batches {
		var body strings.Builder
		for i := range per {
			fmt.Fprintf(&body, `{"id":"bp-%d-%d","source":"weibo","text":"第%d批第%d条：暴雨导致城区多处积水，交通受阻。"}`+"\n", b, i, b, i)
		}
		for {
			req, _ := http.NewRequest("POST", s.base+"/api/v1/ingest/posts", strings.NewReader(body.String()))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusAccepted {
				accepted += per
				break
			}
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(data), `"overloaded"`) {
				t.Fatalf("batch %d: %d %s (Retry-After %q)", b, resp.StatusCode, data, resp.Header.Get("Retry-After"))
			}
			refused++
			time.Sleep(50 * time.Millisecond) // a client honouring Retry-After, faster
		}
	}
	if refused == 0 {
		t.Fatal("no request was refused: the backlog never passed 300 records; the test proves nothing")
	}
	t.Logf("%d requests refused with 503 while the index caught up", refused)
	s.waitSearch("积水", accepted)
	if !strings.Contains(s.metricsText(), "yuqing_ingest_overloaded_total ") {
		t.Error("no overload metric")
	}
}
