package notify

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestWebhookSend(t *testing.T) {
	tests := []struct {
		code      int
		wantErr   bool
		permanent bool
	}{
		{200, false, false},
		{204, false, false},
		{500, true, false},
		{503, true, false},
		{429, true, false},
		{400, true, true},
		{404, true, true},
		{301, true, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			h := newHook(t, always(tt.code))
			wh := &Webhook{URL: h.srv.URL, Headers: map[string]string{"Authorization": "Bearer x"}}
			err := wh.Send(context.Background(), Notification{ID: "id-1", Payload: []byte(`{"a":1}`)})
			if (err != nil) != tt.wantErr || errors.Is(err, ErrPermanent) != tt.permanent {
				t.Fatalf("status %d: err %v, want error %v permanent %v", tt.code, err, tt.wantErr, tt.permanent)
			}
			if h.requests() != 1 || string(h.bodies[0]) != `{"a":1}` {
				t.Fatalf("server got %d requests: %q", h.requests(), h.bodies)
			}
			hd := h.heads[0]
			if hd.Get("Idempotency-Key") != "id-1" || hd.Get("Content-Type") != "application/json" || hd.Get("Authorization") != "Bearer x" {
				t.Errorf("headers %v", hd)
			}
		})
	}
}

func TestWebhookTimeoutIsRetryable(t *testing.T) {
	block := make(chan struct{})
	h := newHook(t, func(int) int { <-block; return 200 })
	defer close(block)
	err := (&Webhook{URL: h.srv.URL, Timeout: 50 * time.Millisecond}).Send(context.Background(), Notification{ID: "x"})
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("err %v, want a retryable error", err)
	}
}

func TestWebhookBadURLIsPermanent(t *testing.T) {
	err := (&Webhook{URL: "://bad"}).Send(context.Background(), Notification{ID: "x"})
	if !errors.Is(err, ErrPermanent) {
		t.Fatalf("err %v, want permanent", err)
	}
}
