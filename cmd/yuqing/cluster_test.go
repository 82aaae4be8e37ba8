package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/freeport"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
	"github.com/yuqing-dev/yuqing/internal/testredis"
)

// TestClusterSurvivesAnAnalysisReplicaKilled runs the distributed mode as
// five processes on one Kafka (kfake, in this test process) and one
// redis-server: index, two analysis replicas, alert, and api+collect.
// One analysis replica is killed with SIGKILL mid-stream: every record is
// indexed once, every alert raised once and notified once, and the
// survivor takes over the dead replica's partitions.
func TestClusterSurvivesAnAnalysisReplicaKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five server processes")
	}
	brokers := testkafka.Brokers(t)
	redisAddr := testredis.Start(t)
	var (
		mu    sync.Mutex
		notes = map[string]int{} // alert id → notifications
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Alerts []struct {
				Status      string            `json:"status"`
				Annotations map[string]string `json:"annotations"`
			} `json:"alerts"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		mu.Lock()
		for _, a := range m.Alerts {
			if a.Status == "firing" {
				notes[a.Annotations["alert_id"]]++
			}
		}
		mu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	os.MkdirAll(rules, 0o755)
	os.WriteFile(filepath.Join(rules, "crash.yaml"), []byte(`id: pileup
name: 多车追尾
severity: P2
type: any
match: '追尾'
group_by: [author]
group_wait: 0s
realert: 1h
receivers: [hook]
`), 0o644)
	idxAddr := freeport.AddrForTest(t)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	cfgPath := filepath.Join(dir, "cluster.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`bus:
  type: kafka
  topics: {raw: raw-%[1]s, docs: docs-%[1]s, alerts: alerts-%[1]s}
  kafka:
    brokers: [%[2]s]
    partitions: 4
    replication_factor: 1
    group_prefix: cluster-%[1]s
state:
  type: redis
  redis: {addr: %[3]s, key_prefix: "cluster-%[1]s:"}
pipeline: {batch_size: 100, batch_wait: 10ms}
index: {remote_url: "http://%[4]s"}
rules_dir: %[5]s
receivers:
  - {name: hook, type: webhook, url: %[6]s}
`, suffix, strings.Join(brokers, ", "), redisAddr, idxAddr, rules, hook.URL)), 0o644)
	start := func(name, addr, roles string) *server {
		return startServer(t, filepath.Join(dir, name), addr, "--config", cfgPath, "--roles", roles)
	}
	idx := start("index", idxAddr, "index")
	an1 := start("analyze-1", freeport.AddrForTest(t), "analyze")
	an2 := start("analyze-2", freeport.AddrForTest(t), "analyze")
	start("alert", freeport.AddrForTest(t), "alert")
	api := start("api", freeport.AddrForTest(t), "api,collect")

	// Warm up until both replicas hold partitions (both have analysed
	// something), so the kill takes work away from a live member.
	post := func(body string) {
		t.Helper()
		for {
			resp, err := http.Post(api.base+"/api/v1/ingest/posts", "application/x-ndjson", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusAccepted {
				return
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("ingest: %d %s", resp.StatusCode, data)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	warm, n := 0, 0
	deadline := time.Now().Add(60 * time.Second)
	for analysed(t, an1.base) == 0 || analysed(t, an2.base) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("both replicas never analysed: %d and %d\n%s\n%s", analysed(t, an1.base), analysed(t, an2.base), an1.log, an2.log)
		}
		var b bytes.Buffer
		for range 20 {
			fmt.Fprintf(&b, `{"id":"w%d","source":"weibo","text":"预热消息%d：今日天气晴好。"}`+"\n", warm, warm)
			warm++
		}
		post(b.String())
		time.Sleep(200 * time.Millisecond)
	}
	n += warm

	// The stream: 3000 posts, 40 of which raise alerts for 20 authors.
	// Replica 1 is killed right after the first 1000 are accepted, while
	// it is still working on them; the other 2000 are posted after the
	// kill, so every one of them can only be analysed by the survivor —
	// on its own partitions and on those it took over. (Killing once a
	// share is indexed raced: analysis can finish the whole stream before
	// the index reaches that share, leaving nothing to take over.)
	const total, authors, killAt = 3000, 20, 1000
	var before int
	for b := 0; b < total; b += 200 {
		if b == killAt {
			// Kill while replica 1 is working on the stream, not before it
			// has started: wait for its count to move past the warm-up.
			wait := time.Now().Add(30 * time.Second)
			for start := analysed(t, an1.base); analysed(t, an1.base) == start && time.Now().Before(wait); {
				time.Sleep(5 * time.Millisecond)
			}
			before = analysed(t, an2.base)
			an1.cmd.Process.Signal(syscall.SIGKILL)
			<-an1.done
			t.Logf("killed analysis replica 1 with %d of %d indexed", searchTotal(t, api.base), n+killAt)
		}
		var body bytes.Buffer
		for i := b; i < b+200; i++ {
			if i%75 == 0 {
				fmt.Fprintf(&body, `{"id":"s%d","source":"weibo","author":"driver-%d","text":"第%d条：高速公路发生多车追尾事故"}`+"\n", i, (i/75)%authors, i)
			} else {
				fmt.Fprintf(&body, `{"id":"s%d","source":"weibo","text":"第%d条：市民反映小区停车难问题"}`+"\n", i, i)
			}
		}
		post(body.String())
	}
	n += total

	last, lastChange := -1, time.Now()
	for got := searchTotal(t, api.base); got < n; got = searchTotal(t, api.base) {
		if got != last {
			last, lastChange = got, time.Now()
		}
		if time.Since(lastChange) > 90*time.Second {
			t.Fatalf("index stuck at %d of %d\nsurvivor:\n%s", got, n, an2.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // redeliveries, if any, land now
	if got := searchTotal(t, api.base); got != n {
		t.Fatalf("index holds %d, want %d", got, n)
	}
	after := analysed(t, an2.base)
	t.Logf("survivor analysed %d records after the kill (%d before)", after-before, before)
	if after-before < total-killAt {
		t.Errorf("the survivor analysed %d records after the kill, want at least the %d posted after it: the dead replica's partitions did not move", after-before, total-killAt)
	}
	// One alert per author, each notified once.
	var alerts struct {
		Alerts []struct {
			ID     string `json:"id"`
			RuleID string `json:"rule_id"`
		} `json:"alerts"`
	}
	waitForAlerts := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(api.base + "/api/v1/alerts?rule=pileup")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&alerts)
		resp.Body.Close()
		mu.Lock()
		sent := len(notes)
		mu.Unlock()
		if len(alerts.Alerts) >= authors && sent >= authors || time.Now().After(waitForAlerts) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(alerts.Alerts) != authors {
		t.Errorf("%d alerts, want %d (one per author)", len(alerts.Alerts), authors)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, a := range alerts.Alerts {
		if notes[a.ID] != 1 {
			t.Errorf("alert %s notified %d times", a.ID, notes[a.ID])
		}
	}
	if len(notes) != authors {
		t.Errorf("%d alerts notified, want %d", len(notes), authors)
	}
	_ = idx
}

var analysedRe = regexp.MustCompile(`yuqing_stage_records_total\{stage="analyze"\} (\d+)`)

// analysed is the records a process's analysis stage has handled.
func analysed(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := analysedRe.FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(string(m[1]))
	return v
}

// searchTotal is the match-all total through the API process.
func searchTotal(t *testing.T, base string) int {
	t.Helper()
	return total(t, base)
}
