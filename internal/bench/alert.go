package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// AlertOptions size the alert-latency benchmark.
type AlertOptions struct {
	Dir        string
	Background int           // background posts per second
	Probes     int           // probe posts that must alert
	Every      time.Duration // between probes
}

// AlertLatency runs an embedded server with one P1 rule (group_wait 0, a
// webhook receiver on a local HTTP server), feeds it Background posts/s of
// ordinary posts, and sends Probes posts that fire the rule, each a new
// incident (group_by author). A probe's latency is from its ingest request
// returning (the post is durable) to the webhook receiving its alert.
func AlertLatency(ctx context.Context, o AlertOptions) (Latencies, error) {
	var (
		mu       sync.Mutex
		received = map[string]time.Time{}
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var p struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		json.NewDecoder(r.Body).Decode(&p)
		if len(p.Alerts) > 0 {
			mu.Lock()
			if _, ok := received[p.Alerts[0].Labels["author"]]; !ok {
				received[p.Alerts[0].Labels["author"]] = at
			}
			mu.Unlock()
		}
	}))
	defer hook.Close()
	rules := filepath.Join(o.Dir, "rules")
	if err := os.MkdirAll(rules, 0o755); err != nil {
		return Latencies{}, err
	}
	if err := os.WriteFile(filepath.Join(rules, "probe.yaml"), []byte(`id: probe-fire
name: 延迟探针
severity: P1
type: any
match: '延迟探针 AND 火灾'
group_by: [author]
group_wait: 0s
realert: 1h
receivers: [hook]
`), 0o644); err != nil {
		return Latencies{}, err
	}
	cfg := configs.Default()
	cfg.DataDir = filepath.Join(o.Dir, "data")
	cfg.RulesDir = rules
	cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: hook.URL}}
	cfg.Pipeline.BatchWait = 5 * time.Millisecond
	base, stop, err := startEmbedded(ctx, cfg)
	if err != nil {
		return Latencies{}, err
	}
	defer stop()

	// Background load: Background posts per second in 10 requests.
	bgCtx, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go func() {
		g := synth.New(7, time.Now().UTC(), 0)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		per := max(o.Background/10, 1)
		for {
			select {
			case <-bgCtx.Done():
				return
			case <-t.C:
			}
			var b bytes.Buffer
			for range per {
				p := g.Post(120)
				p.PublishedAt = time.Now().UTC()
				js, _ := json.Marshal(p)
				b.Write(js)
				b.WriteByte('\n')
			}
			if resp, err := http.Post(base+"/api/v1/ingest/posts", "application/x-ndjson", &b); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	time.Sleep(2 * time.Second) // let the load settle

	sent := map[string]time.Time{}
	for i := range o.Probes {
		author := fmt.Sprintf("probe-%d", i)
		body := fmt.Sprintf(`{"source":"weibo","author":%q,"text":"延迟探针%d：某小区发生火灾，消防已到场。"}`, author, i)
		resp, err := http.Post(base+"/api/v1/ingest/posts", "application/x-ndjson", bytes.NewReader([]byte(body)))
		if err != nil {
			return Latencies{}, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return Latencies{}, fmt.Errorf("probe ingest answered %s", resp.Status)
		}
		sent[author] = time.Now()
		time.Sleep(o.Every)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n >= o.Probes || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	var ds []time.Duration
	for author, at := range sent {
		got, ok := received[author]
		if !ok {
			return Latencies{}, fmt.Errorf("the alert of %s never reached the webhook", author)
		}
		ds = append(ds, got.Sub(at))
	}
	return latencies(ds), nil
}
