package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

// Chat receiver formats: group-bot webhooks of the chat tools duty teams
// use in China. Each is a POST of a JSON body to the bot's URL, so the
// Webhook sender delivers them; only the body differs.
const (
	FormatWebhook  = "webhook"  // Alertmanager-style JSON (WebhookPayload)
	FormatDingTalk = "dingtalk" // 钉钉群机器人: markdown message
	FormatWeCom    = "wecom"    // 企业微信群机器人: markdown message
	FormatFeishu   = "feishu"   // 飞书群机器人: text message
)

// DefaultTemplate is the message text of chat receivers (Go text/template
// over MessageData). Receivers may configure their own.
const DefaultTemplate = `【{{.Alert.Severity}}】{{.Alert.Title}}{{if eq .Status "resolved"}}（已解除）{{end}}
{{.Alert.Summary}}
规则：{{.Alert.RuleID}}（版本 {{.Alert.RuleVersion}}）  次数：{{.Alert.Count}}
首次：{{.FirstSeen}}  最近：{{.LastSeen}}
{{if .Alert.AckedBy}}已确认：{{.Alert.AckedBy}}
{{end}}详情：{{.URL}}`

// MessageData is what a message template sees.
type MessageData struct {
	Alert               alert.Alert
	Status              string // firing | resolved
	URL                 string // the alert in the API
	FirstSeen, LastSeen string // in Asia/Shanghai, 2006-01-02 15:04:05
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// ParseTemplate compiles a message template; "" is DefaultTemplate.
func ParseTemplate(text string) (*template.Template, error) {
	if text == "" {
		text = DefaultTemplate
	}
	t, err := template.New("message").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("message template: %w", err)
	}
	return t, nil
}

// RenderMessage renders the message text of a with t.
func RenderMessage(t *template.Template, a alert.Alert, baseURL string) (string, error) {
	status := "firing"
	if a.Status == alert.StatusResolved {
		status = "resolved"
	}
	d := MessageData{Alert: a, Status: status, URL: strings.TrimSuffix(baseURL, "/") + "/api/v1/alerts/" + a.ID,
		FirstSeen: a.CreatedAt.In(shanghai).Format(time.DateTime), LastSeen: a.LastSeen.In(shanghai).Format(time.DateTime)}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("rendering message of alert %s: %w", a.ID, err)
	}
	return b.String(), nil
}

// Payload builds the body a receiver of format gets for a: the webhook
// JSON, or the chat tool's message with the rendered template text.
func Payload(format string, t *template.Template, a alert.Alert, receiver, baseURL string) ([]byte, error) {
	if format == FormatWebhook || format == "" {
		return WebhookPayload(a, receiver, baseURL), nil
	}
	text, err := RenderMessage(t, a, baseURL)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("【%s】%s", a.Severity, a.Title)
	var body any
	switch format {
	case FormatDingTalk:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": markdownLines(text)}}
	case FormatWeCom:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": markdownLines(text)}}
	case FormatFeishu:
		body = map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
	default:
		return nil, fmt.Errorf("receiver format %q: want webhook, dingtalk, wecom or feishu", format)
	}
	return json.Marshal(body)
}

// markdownLines keeps the template's line breaks in chat markdown, which
// joins single newlines.
func markdownLines(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "  \n") }
