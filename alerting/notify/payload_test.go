package notify

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

func sampleAlert() alert.Alert {
	return alert.Alert{
		ID: "fp1-1", RuleID: "fire-hangzhou", RuleVersion: "v7", Severity: "P1", Status: alert.StatusFiring,
		Fingerprint: "fp1", Title: "杭州火灾", Summary: "12 条帖子", CreatedAt: t0, Count: 12,
		Labels: map[string]string{"cluster_id": "c9"}, Revision: 3,
	}
}

func TestWebhookPayload(t *testing.T) {
	resolved := sampleAlert()
	end := t0.Add(time.Hour)
	resolved.Status, resolved.ResolvedAt, resolved.AckedBy = alert.StatusResolved, &end, "officer"
	tests := []struct {
		name       string
		a          alert.Alert
		wantStatus string
		wantEnds   time.Time
	}{
		{"firing", sampleAlert(), "firing", time.Time{}},
		{"resolved", resolved, "resolved", end},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg webhookMessage
			if err := json.Unmarshal(WebhookPayload(tt.a, "duty-webhook", "http://yuqing.local/"), &msg); err != nil {
				t.Fatal(err)
			}
			if msg.Version != "1" || msg.Status != tt.wantStatus || msg.Receiver != "duty-webhook" ||
				msg.NotificationID != "fp1-1:duty-webhook:r3" || msg.GroupKey != "fire-hangzhou/fp1" || len(msg.Alerts) != 1 {
				t.Fatalf("message %+v", msg)
			}
			al := msg.Alerts[0]
			wantLabels := map[string]string{"alertname": "fire-hangzhou", "rule_id": "fire-hangzhou", "severity": "P1", "cluster_id": "c9"}
			for k, v := range wantLabels {
				if al.Labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, al.Labels[k], v)
				}
			}
			if al.Annotations["title"] != "杭州火灾" || al.Annotations["summary"] != "12 条帖子" || al.Annotations["alert_id"] != "fp1-1" {
				t.Errorf("annotations %v", al.Annotations)
			}
			if al.Status != tt.wantStatus || !al.StartsAt.Equal(t0) || !al.EndsAt.Equal(tt.wantEnds) ||
				al.Fingerprint != "fp1" || al.GeneratorURL != "http://yuqing.local/api/v1/alerts/fp1-1" {
				t.Errorf("alert %+v", al)
			}
		})
	}
	// The raw field names are the Alertmanager ones.
	var raw map[string]any
	if err := json.Unmarshal(WebhookPayload(sampleAlert(), "r", ""), &raw); err != nil {
		t.Fatal(err)
	}
	a0 := raw["alerts"].([]any)[0].(map[string]any)
	for _, k := range []string{"status", "labels", "annotations", "startsAt", "endsAt", "fingerprint", "generatorURL"} {
		if _, ok := a0[k]; !ok {
			t.Errorf("alert lacks %q", k)
		}
	}
	for _, k := range []string{"version", "status", "receiver", "alerts", "groupKey"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("message lacks %q", k)
		}
	}
}

func TestWebhookNotificationID(t *testing.T) {
	a := sampleAlert()
	n := WebhookNotification(a, "duty", "")
	if n.ID != NotificationID(a.ID, "duty", a.Revision) || n.AlertID != a.ID || n.Receiver != "duty" {
		t.Errorf("notification %+v", n)
	}
	a.Revision++
	if WebhookNotification(a, "duty", "").ID == n.ID {
		t.Error("a new revision kept the notification id")
	}
}
