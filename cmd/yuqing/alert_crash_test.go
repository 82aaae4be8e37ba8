package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/internal/freeport"
)

// TestKill9LosesNoAlert kills `yuqing serve` with SIGKILL while posts that
// fire 40 distinct incidents are flowing through ingest, analysis and the
// alert stage. After a restart every incident's alert reaches the webhook,
// and every repeat delivery of an alert carries the same Idempotency-Key
// (delivery is at-least-once with a dedupe key: a receiver that honours the
// key sees each alert once).
func TestKill9LosesNoAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server process")
	}
	var (
		mu   sync.Mutex
		keys = map[string]map[string]int{} // alert fingerprint → idempotency keys → deliveries
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p struct {
			Alerts []struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"alerts"`
		}
		if err := json.Unmarshal(body, &p); err != nil || len(p.Alerts) == 0 {
			t.Errorf("webhook payload %s: %v", body, err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fp := p.Alerts[0].Fingerprint
		if keys[fp] == nil {
			keys[fp] = map[string]int{}
		}
		keys[fp][r.Header.Get("Idempotency-Key")]++
	}))
	defer hook.Close()

	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	os.Mkdir(rules, 0o755)
	os.WriteFile(filepath.Join(rules, "fire.yaml"), []byte(`id: fire-any
name: 火灾
severity: P1
type: any
match: '火灾 AND NOT 演习'
group_by: [source]
group_wait: 0s
realert: 1h
receivers: [hook]
`), 0o644)
	cfgPath := filepath.Join(dir, "yuqing.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf("rules_dir: %s\nreceivers:\n  - name: hook\n    type: webhook\n    url: %s\n", rules, hook.URL)), 0o644)

	// 40 incidents (one per source), 25 posts each, interleaved.
	const incidents, per = 40, 25
	var batches [][]byte
	for k := range per {
		var b bytes.Buffer
		for i := range incidents {
			fmt.Fprintf(&b, `{"id":"f%02d-%02d","source":"src%02d","text":"第%d区第%d号仓库发生火灾，现场浓烟滚滚，消防已到场。"}`+"\n", i, k, i, i, k)
		}
		batches = append(batches, b.Bytes())
	}
	data, addr := filepath.Join(dir, "data"), freeport.AddrForTest(t)
	s := startServer(t, data, addr, "--config", cfgPath)
	var killed atomic.Bool
	acked := sendAll(s.base, batches, func(n int) {
		if n >= 200 && killed.CompareAndSwap(false, true) {
			s.cmd.Process.Signal(syscall.SIGKILL)
		}
	})
	<-s.done
	t.Logf("killed after %d acknowledged posts", len(acked))

	s2 := startServer(t, data, addr, "--config", cfgPath)
	sendAll(s2.base, batches, nil) // the rest, and duplicates of what was acknowledged
	deadline := time.Now().Add(120 * time.Second)
	for {
		mu.Lock()
		n := len(keys)
		mu.Unlock()
		if n == incidents {
			break
		}
		if time.Now().After(deadline) {
			t.Logf("lost %d, duplicated ? (gave up waiting)", incidents-n)
			t.Fatalf("alerts of %d of %d incidents delivered", n, incidents)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // let stray redeliveries arrive
	mu.Lock()
	defer mu.Unlock()
	redelivered, duplicated := 0, 0
	for fp, ks := range keys {
		if len(ks) != 1 {
			duplicated += len(ks) - 1
			t.Errorf("alert %s was delivered under %d different keys: %v", fp, len(ks), ks)
		}
		for _, n := range ks {
			redelivered += n - 1
		}
	}
	// Duplicated counts alerts a receiver honouring Idempotency-Key would
	// see twice; repeat deliveries under the same key are at-least-once.
	t.Logf("lost %d, duplicated %d", incidents-len(keys), duplicated)
	t.Logf("%d incidents delivered, %d repeat deliveries (same key)", len(keys), redelivered)
}
