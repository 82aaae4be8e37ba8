package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mountTmpfs mounts a tmpfs of size (e.g. "4m") on dir until the test
// ends. It fails, saying why, where mounting is not allowed: the test
// needs root (CI runs as root on Debian).
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mounting a %s tmpfs on %s: %v: %s\nthis test fills a small file system: it needs root (or CAP_SYS_ADMIN) and mount(8)", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting %s: %v: %s", dir, err, out)
		}
	})
}

func resizeTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size="+size, dir).CombinedOutput(); err != nil {
		t.Fatalf("resizing the tmpfs on %s to %s: %v: %s", dir, size, err, out)
	}
}

// TestFaultIndexDiskFull puts the index directory of an embedded server
// on a small tmpfs and ingests until it fills: ingest must refuse with 503
// and a JSON code (back-pressure: the index stage stops, the backlog passes
// ingest.max_backlog) rather than fail otherwise or hang; once space is
// freed every acknowledged post is indexed, once.
//
// Letting bleve fill the disk made it panic (zapx v17.2.5,
// invertedIndexCache.insertLOCKED, from scorch.prepareSegment) and kill
// the process; the index stage now stops while less than
// index.min_free_bytes is free, so the disk never fills.
func TestFaultIndexDiskFull(t *testing.T) {
	cfg := embeddedConfig(t)
	cfg.Index.MinFreeBytes = 1 << 20
	cfg.Ingest.MaxBacklog = 200
	idx := filepath.Join(cfg.DataDir, "index")
	if err := os.MkdirAll(idx, 0o755); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, idx, "4m")
	s := startApp(t, cfg)

	l := newLoad(s.base, "disk-fault", "水库泄洪下游暴雨预警"+strings.Repeat("，请沿河群众及时转移到安全地带", 20))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.run(ctx, 10*time.Millisecond) }()
	refused := func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.codes["503 overloaded"] >= 5
	}
	deadline := time.Now().Add(40 * time.Second)
	for !refused() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("index disk full: %s", l.summary())
	if !refused() {
		cancel()
		<-done
		t.Fatalf("ingest never refused with 503 overloaded while the index disk was full: %s", l.summary())
	}
	resizeTmpfs(t, idx, "256m")
	t.Logf("index disk enlarged to 256m")
	time.Sleep(time.Second)
	cancel()
	<-done
	l.check(t, s)
}
