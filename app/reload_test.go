package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/syncbuf"
)

func TestReloadThroughTheAPI(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	os.MkdirAll(rules, 0o755)
	rule := "id: r1\nname: 测试\nseverity: P3\ntype: any\nmatch: '火灾'\n"
	os.WriteFile(filepath.Join(rules, "r1.yaml"), []byte(rule), 0o644)
	cfgPath := filepath.Join(dir, "yuqing.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfgPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := "rules_dir: " + rules + "\n"
	write(good)
	cfg, err := configs.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	load := func() (configs.Config, string, error) {
		c, err := configs.Load(cfgPath)
		c.DataDir = cfg.DataDir
		return c, cfgPath, err
	}
	s := startAppWith(t, cfg, Options{LoadConfig: load})
	metric := func() string {
		for _, l := range strings.Split(s.metricsText(), "\n") {
			if strings.HasPrefix(l, "yuqing_config_last_reload_successful ") {
				return strings.TrimPrefix(l, "yuqing_config_last_reload_successful ")
			}
		}
		return "missing"
	}
	code, m := s.do("POST", "/api/v1/reload", "", nil)
	if code != 200 || m["rules_loaded"] != 1.0 || m["dictionaries"] != true || len(m["restart_needed"].([]any)) != 0 || metric() != "1" {
		t.Fatalf("reload: %d %v metric %s", code, m, metric())
	}
	// a second rule appears: loaded by the reload
	os.WriteFile(filepath.Join(rules, "r2.yaml"), []byte(strings.Replace(rule, "r1", "r2", 1)), 0o644)
	if code, m := s.do("POST", "/api/v1/reload", "", nil); code != 200 || m["rules_loaded"] != 2.0 {
		t.Fatalf("reload with a new rule: %d %v", code, m)
	}
	// a broken config: 400 naming the field, the metric drops, rules stay
	write(good + "http: {listen: nowhere}\n")
	code, m = s.do("POST", "/api/v1/reload", "", nil)
	if code != 400 || errCode(m) != "invalid_config" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "http.listen") || metric() != "0" {
		t.Fatalf("broken config: %d %v metric %s", code, m, metric())
	}
	// a broken rule: refused too
	write(good)
	os.WriteFile(filepath.Join(rules, "r3.yaml"), []byte("id: r3\nseverity: P9\n"), 0o644)
	if code, m := s.do("POST", "/api/v1/reload", "", nil); code != 400 || !strings.Contains(m["error"].(map[string]any)["message"].(string), "r3.yaml") {
		t.Fatalf("broken rule: %d %v", code, m)
	}
	_, list := s.do("GET", "/api/v1/rules", "", nil)
	if n := len(list["rules"].([]any)); n != 2 {
		t.Errorf("%d rules in use after a refused reload, want 2", n)
	}
	// fixed, with a change that needs a restart
	os.Remove(filepath.Join(rules, "r3.yaml"))
	write(good + "log: {level: debug}\n")
	code, m = s.do("POST", "/api/v1/reload", "", nil)
	if code != 200 || metric() != "1" || !strings.Contains(strings.Join(strs(m["restart_needed"]), ","), "log") {
		t.Fatalf("fixed: %d %v metric %s", code, m, metric())
	}
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestRequestIDsInResponsesAndLogs(t *testing.T) {
	var logs syncbuf.Buffer
	log := slog.New(api.LogHandler(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	s := startAppWith(t, embeddedConfig(t), Options{Logger: log})
	req, _ := newRequest("GET", s.base+"/api/v1/search?q=(", map[string]string{api.RequestIDHeader: "req-42"})
	resp := doRequest(t, req)
	if got := resp.Header.Get(api.RequestIDHeader); got != "req-42" {
		t.Errorf("echoed id %q", got)
	}
	req, _ = newRequest("GET", s.base+"/healthz", nil)
	if got := doRequest(t, req).Header.Get(api.RequestIDHeader); len(got) != 16 {
		t.Errorf("generated id %q", got)
	}
	waitUntil(t, "the request log line", func() bool { return strings.Contains(logs.String(), "request_id=req-42") })
}
