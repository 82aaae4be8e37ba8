package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

func chatAlert() alert.Alert {
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	return alert.Alert{ID: "fp-1", RuleID: "fire", RuleVersion: "abc123", Severity: "P1", Status: alert.StatusFiring,
		Title: "杭州火灾", Summary: "西湖区一小区发生火灾", Count: 3, CreatedAt: at, LastSeen: at.Add(5 * time.Minute)}
}

func TestChatPayloads(t *testing.T) {
	tmpl, err := ParseTemplate("")
	if err != nil {
		t.Fatal(err)
	}
	for format, check := range map[string]func(m map[string]any) string{
		FormatDingTalk: func(m map[string]any) string {
			md := m["markdown"].(map[string]any)
			return m["msgtype"].(string) + "|" + md["title"].(string) + "|" + md["text"].(string)
		},
		FormatWeCom: func(m map[string]any) string {
			return m["msgtype"].(string) + "|" + m["markdown"].(map[string]any)["content"].(string)
		},
		FormatFeishu: func(m map[string]any) string {
			return m["msg_type"].(string) + "|" + m["content"].(map[string]any)["text"].(string)
		},
	} {
		body, err := Payload(format, tmpl, chatAlert(), "duty", "http://127.0.0.1:8080")
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		got := check(m)
		for _, want := range []string{"【P1】杭州火灾", "西湖区一小区发生火灾", "次数：3", "首次：2026-11-20 10:00:00", "http://127.0.0.1:8080/api/v1/alerts/fp-1"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s payload lacks %q: %s", format, want, got)
			}
		}
	}
	if _, err := Payload("pager", tmpl, chatAlert(), "x", ""); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := ParseTemplate("{{.Alert.Nope"); err == nil {
		t.Error("broken template accepted")
	}
	bad, _ := ParseTemplate("{{.Alert.Nope}}")
	if _, err := RenderMessage(bad, chatAlert(), ""); err == nil {
		t.Error("template with an unknown field rendered")
	}
	resolved := chatAlert()
	resolved.Status = alert.StatusResolved
	text, _ := RenderMessage(tmpl, resolved, "")
	if !strings.Contains(text, "已解除") {
		t.Errorf("resolved message %q", text)
	}
}
