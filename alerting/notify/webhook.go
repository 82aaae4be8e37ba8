package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultWebhookTimeout bounds one webhook request when Webhook.Timeout is 0.
const DefaultWebhookTimeout = 10 * time.Second

// Webhook posts a notification's payload (WebhookPayload) to URL.
type Webhook struct {
	URL     string
	Timeout time.Duration
	// Headers are added to every request (e.g. Authorization).
	Headers map[string]string
	// Client is the HTTP client; default http.DefaultClient.
	Client *http.Client
}

var _ Receiver = (*Webhook)(nil)

// Send posts n.Payload as application/json with the notification id in
// the Idempotency-Key header. A 2xx answer is success; 429 and 5xx answers
// and transport errors are retryable errors; other 4xx answers are
// permanent (ErrPermanent).
func (w *Webhook) Send(ctx context.Context, n Notification) error {
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = DefaultWebhookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(n.Payload))
	if err != nil {
		return Permanent(fmt.Errorf("building webhook request for %s: %w", n.ID, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "yuqing-notify")
	req.Header.Set("Idempotency-Key", n.ID)
	for k, v := range w.Headers {
		req.Header.Set(k, v)
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("posting notification %s to webhook: %w", n.ID, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("posting notification %s to webhook: status %d: %q", n.ID, resp.StatusCode, body)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
		return Permanent(err)
	}
	return err
}
