package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/freeport"
	"github.com/yuqing-dev/yuqing/internal/probe"
	"github.com/yuqing-dev/yuqing/internal/syncbuf"
)

// TestMain lets the test binary act as the yuqing binary, so the crash
// tests can run `yuqing serve` as a real child process and kill -9 it.
func TestMain(m *testing.M) {
	if os.Getenv("YUQING_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// server is a `yuqing serve` child process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	log  *syncbuf.Buffer
	// done is closed when the process has exited; err is then its status.
	done chan struct{}
	err  error
}

func startServer(t *testing.T, dataDir, addr string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--data", dataDir, "--http", addr}, extra...)...)
	cmd.Env = append(os.Environ(), "YUQING_TEST_MAIN=1")
	log := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, base: "http://" + addr, log: log, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	go func() {
		select {
		case <-s.done: // exited before ready: stop waiting
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := probe.WaitReady(ctx, s.base, 50*time.Millisecond); err != nil {
		select {
		case <-s.done:
			t.Fatalf("server exited before ready: %v\n%s", s.err, log.String())
		default:
		}
		t.Fatalf("server not ready: %v\n%s", err, log.String())
	}
	return s
}

func crashPosts(n int) [][]byte {
	const per = 100
	var batches [][]byte
	for i := 0; i < n; i += per {
		var b bytes.Buffer
		for j := i; j < min(i+per, n); j++ {
			fmt.Fprintf(&b, `{"id":"crash-%05d","source":"weibo","text":"第%d条消息：某工业园区发生火灾，现场浓烟滚滚，请附近居民注意安全。"}`+"\n", j, j)
		}
		batches = append(batches, b.Bytes())
	}
	return batches
}

// sendAll posts batches with 4 clients and returns the ids that got 202.
// onAck runs after each acknowledged batch.
func sendAll(base string, batches [][]byte, onAck func(acked int)) []string {
	var (
		mu    sync.Mutex
		acked []string
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(batches) {
					return
				}
				resp, err := client.Post(base+"/api/v1/ingest/posts", "application/x-ndjson", bytes.NewReader(batches[i]))
				if err != nil {
					continue // the server is gone: this batch was never acknowledged
				}
				var r struct{ IDs []string }
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted || json.Unmarshal(data, &r) != nil {
					continue
				}
				mu.Lock()
				acked = append(acked, r.IDs...)
				n := len(acked)
				mu.Unlock()
				if onAck != nil {
					onAck(n)
				}
			}
		})
	}
	wg.Wait()
	return acked
}

func total(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/search?size=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&r)
	return r.Total
}

// waitAllSearchable waits until the index holds at least want docs, then
// checks every id is there.
func waitAllSearchable(t *testing.T, base string, ids []string, want int) {
	t.Helper()
	// The pipeline must keep making progress; how fast depends on the
	// machine and on -race (which slows analysis ten-fold), so only a
	// stall fails the test.
	last, lastChange := -1, time.Now()
	for n := total(t, base); n < want; n = total(t, base) {
		if n != last {
			last, lastChange = n, time.Now()
		}
		if time.Since(lastChange) > 60*time.Second {
			t.Fatalf("index holds %d docs, want at least %d; no progress for 60s", n, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var missing []string
	for _, id := range ids {
		resp, err := http.Get(base + "/api/v1/docs/" + id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Logf("lost %d, duplicated %d", len(missing), max(0, total(t, base)-want))
		t.Fatalf("%d acknowledged posts lost, e.g. %v", len(missing), missing[:min(5, len(missing))])
	}
}

// TestKill9LosesNoAcknowledgedPost kills `yuqing serve` with SIGKILL in the
// middle of a 10,000-post ingest; after a restart every post that got a
// 202 is searchable, and re-sending everything leaves one copy of each.
func TestKill9LosesNoAcknowledgedPost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server process")
	}
	data, addr := t.TempDir(), freeport.AddrForTest(t)
	s := startServer(t, data, addr)
	batches := crashPosts(10000)
	var killed atomic.Bool
	acked := sendAll(s.base, batches, func(n int) {
		if n >= 3000 && killed.CompareAndSwap(false, true) {
			s.cmd.Process.Signal(syscall.SIGKILL)
		}
	})
	<-s.done
	if len(acked) >= 10000 {
		t.Fatalf("all %d posts were acknowledged before the kill landed; the test proves nothing", len(acked))
	}
	t.Logf("killed after %d acknowledged posts", len(acked))

	s2 := startServer(t, data, addr)
	waitAllSearchable(t, s2.base, acked, len(acked))

	// Re-send everything, acknowledged or not: exactly one copy of each.
	all := sendAll(s2.base, batches, nil)
	if len(all) != 10000 {
		t.Fatalf("re-send acknowledged %d of 10000", len(all))
	}
	waitAllSearchable(t, s2.base, all, 10000)
	time.Sleep(200 * time.Millisecond)
	n := total(t, s2.base)
	t.Logf("lost 0, duplicated %d (of %d acknowledged before the kill, then all 10000 re-sent)", max(0, n-10000), len(acked))
	if n != 10000 {
		t.Fatalf("index holds %d docs after duplicates, want 10000", n)
	}
}

// TestSIGTERMDrainsInFlight stops the server with SIGTERM during an
// ingest: it exits cleanly, and everything acknowledged is there after a
// restart.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	data, addr := t.TempDir(), freeport.AddrForTest(t)
	s := startServer(t, data, addr)
	var stopped atomic.Bool
	acked := sendAll(s.base, crashPosts(5000), func(n int) {
		if n >= 1500 && stopped.CompareAndSwap(false, true) {
			s.cmd.Process.Signal(syscall.SIGTERM)
		}
	})
	select {
	case <-s.done:
		if s.err != nil {
			t.Fatalf("SIGTERM exit: %v\n%s", s.err, s.log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("server did not exit within 60s of SIGTERM")
	}
	s2 := startServer(t, data, addr)
	waitAllSearchable(t, s2.base, acked, len(acked))
}
