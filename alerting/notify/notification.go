package notify

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
)

// Notification is one message for one receiver, as the outbox stores it.
type Notification struct {
	// ID is the dedupe key; see NotificationID.
	ID       string `json:"id"`
	AlertID  string `json:"alert_id"`
	Receiver string `json:"receiver"`
	// Payload is what the receiver sends (for a webhook, the JSON body).
	Payload []byte `json:"payload"`
	// Attempts counts failed sends so far.
	Attempts int `json:"attempts"`
	// NextAt is when the notification is due; zero means at once.
	NextAt    time.Time `json:"next_at"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// NotificationID is the deterministic id of the notification of one alert
// revision to one receiver: the same alert state never makes two ids.
func NotificationID(alertID, receiver string, revision int) string {
	return alertID + ":" + receiver + ":r" + strconv.Itoa(revision)
}

// WebhookNotification builds the notification of a's current revision for
// a webhook receiver, with WebhookPayload as its payload.
func WebhookNotification(a alert.Alert, receiver, baseURL string) Notification {
	return Notification{
		ID:       NotificationID(a.ID, receiver, a.Revision),
		AlertID:  a.ID,
		Receiver: receiver,
		Payload:  WebhookPayload(a, receiver, baseURL),
	}
}

// Receiver sends a notification somewhere. Send must return when ctx is
// done. An error wrapping ErrPermanent (see Permanent) sends the
// notification straight to the dead-letter list; any other error is
// retried.
type Receiver interface {
	Send(ctx context.Context, n Notification) error
}

// ErrPermanent marks failures that retrying cannot fix.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ err error }

func (p permanentError) Error() string   { return p.err.Error() }
func (p permanentError) Unwrap() []error { return []error{p.err, ErrPermanent} }
