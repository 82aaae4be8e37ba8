package app

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Reports are generated, archived, listed and downloaded through the
// server's API, and every download is in the audit log.
func TestReportsThroughTheServer(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	var b strings.Builder
	for i := range 12 {
		src := []string{"weibo", "douyin", "tieba"}[i%3]
		fmt.Fprintf(&b, `{"id":"r%d","source":%q,"text":"第%d条：某化工园区发生火灾，消防正在处置。","published_at":"2026-11-18T%02d:00:00+08:00"}`+"\n", i, src, i, 8+i)
	}
	if code, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(b.String())); code != 202 {
		t.Fatalf("ingest: %d %v", code, m)
	}
	s.waitSearch("火灾", 12)
	code, rep := s.do("POST", "/api/v1/reports", "application/json", []byte(`{"period":"custom","from":"2026-11-18T00:00:00+08:00","to":"2026-11-19T00:00:00+08:00"}`))
	if code/100 != 2 {
		t.Fatalf("POST /api/v1/reports: %d %v", code, rep)
	}
	id, _ := rep["id"].(string)
	vol, _ := rep["volume"].(map[string]any)
	if id == "" || fmt.Sprint(vol["total"]) == "" {
		t.Fatalf("report %v", rep)
	}
	_, list := s.do("GET", "/api/v1/reports", "", nil)
	if !strings.Contains(fmt.Sprint(list), id) {
		t.Errorf("the list lacks %s: %v", id, list)
	}
	for format, want := range map[string]string{"md": "12", "html": "<svg"} {
		resp, err := http.Get(s.base + "/api/v1/reports/" + id + "?format=" + format)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) || !strings.Contains(string(body), rep["title"].(string)) {
			t.Errorf("%s: %d, want %q and the title in\n%.400s", format, resp.StatusCode, want, body)
		}
	}
	_, audit := s.do("GET", "/api/v1/audit?action=export", "", nil)
	if !strings.Contains(fmt.Sprint(audit), "report:"+id) {
		t.Errorf("no export entry for the downloads: %v", audit)
	}
}
