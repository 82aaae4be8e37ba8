package app

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// A pathological query (huge, 10k terms, nested a thousand deep, a flood
// of prefix scans) is answered 400 bad_query at once, and the server keeps
// serving ordinary searches.
func TestPathologicalQueriesAreRefused(t *testing.T) {
	s := startApp(t, embeddedConfig(t))
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"q1","source":"weibo","text":"杭州市西湖区一小区发生火灾，消防已到场。"}`))
	s.waitSearch("火灾", 1)
	for name, q := range map[string]string{
		"64KiB":      strings.Repeat("火灾爆炸", 64<<10/12),
		"10k terms":  strings.Repeat("火灾 ", 10000),
		"257 terms":  strings.Repeat("a ", 257),
		"nest 1000":  strings.Repeat("(", 1000) + "火灾" + strings.Repeat(")", 1000),
		"NOT 5000":   strings.Repeat("NOT ", 5000) + "火灾",
		"prefix 100": strings.Repeat("source:w* ", 100),
	} {
		start := time.Now()
		code, m := s.do("GET", "/api/v1/search?q="+url.QueryEscape(q), "", nil)
		e, _ := m["error"].(map[string]any)
		if code != 400 || e["code"] != "bad_query" || e["message"] == "" || e["position"] == nil {
			t.Errorf("%s: %d %v, want 400 bad_query with a position", name, code, m)
			continue
		}
		t.Logf("%s (%d bytes): 400 in %v: %v", name, len(q), time.Since(start), e["message"])
	}
	res := s.waitSearch("火灾 region:杭州", 1)
	if res["hits"] == nil {
		t.Errorf("search after the refusals: %v", res)
	}
}
