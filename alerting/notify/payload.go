package notify

import (
	"encoding/json"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

// webhookMessage is the webhook body, shaped like Alertmanager's (version
// "1" of ours), so tools that read Alertmanager webhooks read it too.
type webhookMessage struct {
	Version           string            `json:"version"`
	NotificationID    string            `json:"notificationId"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []webhookAlert    `json:"alerts"`
}

type webhookAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// WebhookPayload is the JSON body a webhook receiver gets for alert a:
// status "resolved" for a resolved alert and "firing" otherwise
// (acknowledged alerts are still firing; alert_status says which); labels
// are the alert's labels plus alertname and rule_id (the rule id) and
// severity; annotations carry title, summary, alert_id, alert_status,
// count, rule_version and acked_by; endsAt is the resolution time or the
// zero time; generatorURL links to the alert in the API under baseURL.
// notificationId is NotificationID(a.ID, receiver, a.Revision), the
// receiver's dedupe key.
func WebhookPayload(a alert.Alert, receiver, baseURL string) []byte {
	status := "firing"
	if a.Status == alert.StatusResolved {
		status = "resolved"
	}
	labels := make(map[string]string, len(a.Labels)+3)
	maps.Copy(labels, a.Labels)
	labels["alertname"] = a.RuleID
	labels["rule_id"] = a.RuleID
	labels["severity"] = a.Severity
	annotations := map[string]string{
		"title":        a.Title,
		"summary":      a.Summary,
		"alert_id":     a.ID,
		"alert_status": string(a.Status),
		"count":        strconv.Itoa(a.Count),
		"rule_version": a.RuleVersion,
	}
	if a.AckedBy != "" {
		annotations["acked_by"] = a.AckedBy
	}
	var ends time.Time
	if a.ResolvedAt != nil {
		ends = *a.ResolvedAt
	}
	base := strings.TrimRight(baseURL, "/")
	msg := webhookMessage{
		Version:           "1",
		NotificationID:    NotificationID(a.ID, receiver, a.Revision),
		GroupKey:          a.RuleID + "/" + a.Fingerprint,
		Status:            status,
		Receiver:          receiver,
		GroupLabels:       map[string]string{"alertname": a.RuleID},
		CommonLabels:      labels,
		CommonAnnotations: annotations,
		ExternalURL:       base,
		Alerts: []webhookAlert{{
			Status:       status,
			Labels:       labels,
			Annotations:  annotations,
			StartsAt:     a.CreatedAt,
			EndsAt:       ends,
			GeneratorURL: base + "/api/v1/alerts/" + url.PathEscape(a.ID),
			Fingerprint:  a.Fingerprint,
		}},
	}
	raw, err := json.Marshal(msg)
	if err != nil { // only strings, maps of strings and times: cannot happen
		panic("notify: encoding webhook payload: " + err.Error())
	}
	return raw
}
