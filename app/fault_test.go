package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault tests: a client ingests continuously while a dependency fails
// (Redis stopped, the Kafka broker restarted, the index disk full) and
// comes back. Each prints what it lost (acknowledged with 202 but not
// searchable afterwards: must be zero) and what it duplicated (documents
// in the index beyond one per id sent).

// load is a client that posts batches of new posts until stopped and
// keeps what the server answered.
type load struct {
	base, prefix, text string
	per                int
	client             *http.Client

	mu     sync.Mutex
	sent   []string       // every id sent, acknowledged or not
	acked  []string       // ids of batches answered 202
	codes  map[string]int // "202", "503 overloaded", "error: …" → requests
	faults []string       // answers a client must never see
	slow   time.Duration  // the longest a request waited for its answer
}

func newLoad(base, prefix, text string) *load {
	return &load{base: base, prefix: prefix, text: text, per: 10,
		client: &http.Client{Timeout: 15 * time.Second}, codes: map[string]int{}}
}

// run posts batches every pause until ctx is done.
func (l *load) run(ctx context.Context, pause time.Duration) {
	for b := 0; ctx.Err() == nil; b++ {
		l.batch(b)
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// batch sends batch number b once. A 202 acknowledges it; a 503 with a
// JSON error code refuses it (the client would retry); anything else,
// including no answer within the client's timeout, is a fault.
func (l *load) batch(b int) {
	var body bytes.Buffer
	ids := make([]string, l.per)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%04d-%02d", l.prefix, b, i)
		fmt.Fprintf(&body, `{"id":%q,"source":"weibo","text":"%s（第%d批第%d条）"}`+"\n", ids[i], l.text, b, i)
	}
	start := time.Now()
	resp, err := l.client.Post(l.base+"/api/v1/ingest/posts", "application/x-ndjson", &body)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.slow = max(l.slow, time.Since(start))
	l.sent = append(l.sent, ids...)
	if err != nil {
		l.codes["error"]++
		l.faults = append(l.faults, fmt.Sprintf("batch %d: no answer after %v: %v", b, time.Since(start).Round(time.Millisecond), err))
		return
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(data, &e)
	key := fmt.Sprint(resp.StatusCode)
	if e.Error.Code != "" {
		key += " " + e.Error.Code
	}
	l.codes[key]++
	switch {
	case resp.StatusCode == http.StatusAccepted:
		l.acked = append(l.acked, ids...)
	case resp.StatusCode == http.StatusServiceUnavailable && e.Error.Code != "":
	default:
		l.faults = append(l.faults, fmt.Sprintf("batch %d: %d %s", b, resp.StatusCode, data))
	}
}

func (l *load) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.codes))
	for k := range l.codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, l.codes[k]))
	}
	return fmt.Sprintf("%d posts sent, %d acknowledged; requests %s; slowest answer %v",
		len(l.sent), len(l.acked), strings.Join(parts, ", "), l.slow.Round(time.Millisecond))
}

// check waits until every acknowledged post is searchable (failing only if
// the pipeline stops making progress for a minute), then prints and checks
// lost and duplicated, and that the client saw no fault.
func (l *load) check(t *testing.T, s *testServer) {
	t.Helper()
	l.mu.Lock()
	sent, acked, faults := l.sent, l.acked, l.faults
	l.mu.Unlock()
	t.Log(l.summary())
	for _, f := range faults {
		t.Errorf("fault seen by the client: %s", f)
	}
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged: the test proves nothing")
	}
	start := time.Now()
	defer func() { t.Logf("checked in %v", time.Since(start).Round(time.Millisecond)) }()
	var missing []string
	last, lastChange := -1, time.Now()
	for {
		missing = missing[:0]
		for _, id := range acked {
			if !s.hasDoc(id) {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 || time.Since(lastChange) > 60*time.Second {
			break
		}
		if len(missing) != last {
			last, lastChange = len(missing), time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
	found := 0
	for _, id := range sent {
		if s.hasDoc(id) {
			found++
		}
	}
	time.Sleep(300 * time.Millisecond) // let stray redeliveries land
	total := s.searchTotal(l.text)
	t.Logf("lost %d, duplicated %d (%d acknowledged, %d of %d sent in the index, search total %d)",
		len(missing), max(0, total-found), len(acked), found, len(sent), total)
	if len(missing) > 0 {
		t.Errorf("%d acknowledged posts lost, e.g. %v", len(missing), missing[:min(5, len(missing))])
	}
	if total != found {
		t.Errorf("search finds %d documents for %d distinct ids", total, found)
	}
}

// hasDoc reports whether GET /api/v1/docs/{id} finds the document.
func (s *testServer) hasDoc(id string) bool {
	resp, err := http.Get(s.base + "/api/v1/docs/" + url.PathEscape(id))
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (s *testServer) searchTotal(q string) int {
	_, m := s.do("GET", "/api/v1/search?size=1&q="+url.QueryEscape(`"`+q+`"`), "", nil)
	n, _ := m["total"].(float64)
	return int(n)
}

// webhook records the bodies of the notifications it receives.
type webhook struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.bodies = append(w.bodies, string(data))
		w.mu.Unlock()
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *webhook) saw(s string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range w.bodies {
		if strings.Contains(b, s) {
			return true
		}
	}
	return false
}

// frequencyRule writes a frequency rule (3 posts of one source with 暴雨
// within 10 minutes) notifying the webhook, and returns its directory.
func frequencyRule(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "rain.yaml"), []byte(`id: rain-burst
name: 暴雨集中报道
severity: P2
type: frequency
match: '暴雨'
num_events: 3
timeframe: 10m
query_key: source
group_wait: 0s
receivers: [hook]
`), 0o644)
	return dir
}
