package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/yuqing-dev/yuqing/configs"
)

// push sends body to a push source with token ("" sends none).
func (s *testServer) push(source, token, body string) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/api/v1/ingest/push/"+source, bytes.NewReader([]byte(body)))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		s.t.Fatalf("push answered %d with non-JSON %q", resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// sourcesByName returns GET /api/v1/sources keyed by source name.
func (s *testServer) sourcesByName() map[string]map[string]any {
	s.t.Helper()
	code, m := s.do("GET", "/api/v1/sources", "", nil)
	if code != http.StatusOK {
		s.t.Fatalf("GET /api/v1/sources: %d %v", code, m)
	}
	out := map[string]map[string]any{}
	for _, v := range m["sources"].([]any) {
		src := v.(map[string]any)
		out[src["name"].(string)] = src
	}
	return out
}

func TestPushSourceMapsAuthenticatesAndReports(t *testing.T) {
	cfg := embeddedConfig(t)
	cfg.Sources = []configs.Source{{Name: "sms-gateway", Type: configs.SourceHTTPPush, Kind: "sms", Token: "gw-token",
		Region: "浙江省杭州市", Mapping: map[string]string{"mobile": "sender", "content": "text", "time": "received_at"}}}
	s := startApp(t, cfg)
	if got := s.sourcesByName()["sms-gateway"]["state"]; got != "pending" {
		t.Errorf("before any push: state %v", got)
	}
	body := `[{"mobile":"13800000000","content":"【通知】您的快递丢失，添加客服QQ办理理赔退款","time":"2026-11-26T09:00:00+08:00","carrier":"cmcc"},
	          {"mobile":"13800000001","content":""}]`
	if code, m := s.push("sms-gateway", "", body); code != http.StatusUnauthorized || errCode(m) != "unauthorized" {
		t.Errorf("no token: %d %v", code, m)
	}
	if code, m := s.push("sms-gateway", "wrong", body); code != http.StatusUnauthorized || errCode(m) != "unauthorized" {
		t.Errorf("wrong token: %d %v", code, m)
	}
	if code, m := s.push("nope", "gw-token", body); code != http.StatusNotFound || errCode(m) != "not_found" {
		t.Errorf("unknown source: %d %v", code, m)
	}
	code, m := s.push("sms-gateway", "gw-token", body)
	if code != http.StatusAccepted || m["accepted"] != 1.0 || m["rejected"] != 1.0 || m["duplicates"] != 0.0 {
		t.Fatalf("push: %d %v", code, m)
	}
	hits := s.waitSearch("快递 理赔", 1)["hits"].([]any)
	doc := hits[0].(map[string]any)["doc"].(map[string]any)
	if doc["kind"] != "sms" || doc["source"] != "sms-gateway" || doc["region"] != "浙江省杭州市" {
		t.Errorf("doc %v", doc)
	}
	// a gateway retry of the same batch is acknowledged, not stored twice
	code, m = s.push("sms-gateway", "gw-token", body)
	if code != http.StatusAccepted || m["duplicates"] != 1.0 {
		t.Errorf("retry: %d %v", code, m)
	}
	st := s.sourcesByName()["sms-gateway"]
	if st["state"] != "ok" || st["items_today"] != 1.0 || st["rejects_today"] != 2.0 || st["duplicates_today"] != 1.0 {
		t.Errorf("status %v", st)
	}
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}
