package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/freeport"
)

// SIGHUP re-reads the config file: a broken one is refused (the server
// keeps running on what it has) and yuqing_config_last_reload_successful
// says so until a good one is loaded.
func TestSIGHUPReloadsTheConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "yuqing.yaml")
	os.WriteFile(cfgPath, []byte("log: {level: info}\n"), 0o644)
	s := startServer(t, filepath.Join(dir, "data"), freeport.AddrForTest(t), "--config", cfgPath)
	reloadMetric := func() string {
		resp, err := http.Get(s.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "yuqing_config_last_reload_successful "); ok {
				return v
			}
		}
		return "missing"
	}
	waitMetric := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for reloadMetric() != want {
			if time.Now().After(deadline) {
				t.Fatalf("yuqing_config_last_reload_successful is %s, want %s\n%s", reloadMetric(), want, s.log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitMetric("1")
	os.WriteFile(cfgPath, []byte("log: {level: loud}\nbus: {type: carrier-pigeon}\n"), 0o644)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric("0")
	if resp, err := http.Get(s.base + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the server stopped serving after a bad reload: %v %v", resp, err)
	}
	os.WriteFile(cfgPath, []byte("log: {level: debug}\n"), 0o644)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric("1")
	if !strings.Contains(s.log.String(), "bus.type") {
		t.Errorf("the refused reload was not logged with its field:\n%s", s.log.String())
	}
}
