package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// Key layout in the state store.
const (
	keyPending = "notify:n:"    // + id → Notification JSON
	keyLease   = "notify:l:"    // + id → worker owner
	keySent    = "notify:sent:" // + id → marker, SentTTL
	keyDead    = "notify:dead:" // + id → DeadLetter JSON
)

// DefaultSentTTL is how long a sent notification's id is remembered.
const DefaultSentTTL = 24 * time.Hour

// OutboxOptions tunes an Outbox. The zero value is ready to use.
type OutboxOptions struct {
	// Now stamps CreatedAt and due times. Default time.Now.
	Now func() time.Time
	// SentTTL is how long Enqueue ignores the id of a sent notification.
	// Default DefaultSentTTL.
	SentTTL time.Duration
	// DeadTTL is how long a dead letter (which holds a copy of its alert)
	// is kept; 0 keeps it until it is retried.
	DeadTTL time.Duration
}

// Outbox is the persistent queue of notifications in a state.Store. It is
// safe for concurrent use; Outboxes in several processes over one state
// share the queue. It does not own the state.Store.
type Outbox struct {
	st   state.Store
	opts OutboxOptions
	wake chan struct{} // poked by Enqueue so local workers start at once
}

// NewOutbox returns an Outbox over st.
func NewOutbox(st state.Store, opts OutboxOptions) *Outbox {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SentTTL <= 0 {
		opts.SentTTL = DefaultSentTTL
	}
	return &Outbox{st: st, opts: opts, wake: make(chan struct{}, 1)}
}

// DeadLetter is a notification that will not be retried.
type DeadLetter struct {
	Notification
	Error  string    `json:"error"`
	DeadAt time.Time `json:"dead_at"`
}

// Enqueue stores n for delivery and reports whether it did. It is a no-op
// (false, nil) when a notification with n.ID is pending, dead, or was sent
// within SentTTL. A zero NextAt means due now. Once Enqueue returns nil the
// notification survives a crash of this process.
func (o *Outbox) Enqueue(ctx context.Context, n Notification) (bool, error) {
	if n.ID == "" || n.Receiver == "" {
		return false, fmt.Errorf("enqueueing notification %q: id and receiver are required", n.ID)
	}
	for _, k := range []string{keySent, keyDead} {
		if _, err := o.st.Get(ctx, k+n.ID); err == nil {
			return false, nil
		} else if !errors.Is(err, state.ErrNotFound) {
			return false, fmt.Errorf("enqueueing notification %s: %w", n.ID, err)
		}
	}
	now := o.opts.Now()
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now
	}
	if n.NextAt.IsZero() {
		n.NextAt = now
	}
	raw, err := json.Marshal(n)
	if err != nil {
		return false, fmt.Errorf("encoding notification %s: %w", n.ID, err)
	}
	ok, err := o.st.SetNX(ctx, keyPending+n.ID, raw, 0)
	if err != nil {
		return false, fmt.Errorf("enqueueing notification %s: %w", n.ID, err)
	}
	if ok {
		select {
		case o.wake <- struct{}{}:
		default:
		}
	}
	return ok, nil
}

// Pending returns the notifications waiting to be sent, by NextAt.
func (o *Outbox) Pending(ctx context.Context) ([]Notification, error) {
	var out []Notification
	if err := o.scan(ctx, keyPending, func(raw []byte) error {
		var n Notification
		err := json.Unmarshal(raw, &n)
		out = append(out, n)
		return err
	}); err != nil {
		return nil, fmt.Errorf("listing pending notifications: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NextAt.Before(out[j].NextAt) })
	return out, nil
}

// DeadLetters returns the notifications that gave up, oldest first.
func (o *Outbox) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	var out []DeadLetter
	if err := o.scan(ctx, keyDead, func(raw []byte) error {
		var d DeadLetter
		err := json.Unmarshal(raw, &d)
		out = append(out, d)
		return err
	}); err != nil {
		return nil, fmt.Errorf("listing dead letters: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DeadAt.Before(out[j].DeadAt) })
	return out, nil
}

// Retry moves dead letter id back to the queue with its attempts reset,
// due now. It returns an error wrapping state.ErrNotFound if there is no
// such dead letter.
func (o *Outbox) Retry(ctx context.Context, id string) error {
	raw, err := o.st.Get(ctx, keyDead+id)
	if err != nil {
		return fmt.Errorf("retrying dead letter %s: %w", id, err)
	}
	var d DeadLetter
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("decoding dead letter %s: %w", id, err)
	}
	n := d.Notification
	n.Attempts, n.NextAt, n.LastError = 0, o.opts.Now(), ""
	if err := o.put(ctx, n); err != nil {
		return err
	}
	if err := o.st.Delete(ctx, keyDead+id); err != nil {
		return fmt.Errorf("retrying dead letter %s: %w", id, err)
	}
	return nil
}

func (o *Outbox) scan(ctx context.Context, prefix string, fn func([]byte) error) error {
	keys, err := o.st.Keys(ctx, prefix)
	if err != nil {
		return err
	}
	for _, k := range keys {
		raw, err := o.st.Get(ctx, k)
		if errors.Is(err, state.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(raw); err != nil {
			return fmt.Errorf("decoding %s: %w", k, err)
		}
	}
	return nil
}

func (o *Outbox) get(ctx context.Context, id string) (Notification, bool, error) {
	raw, err := o.st.Get(ctx, keyPending+id)
	if errors.Is(err, state.ErrNotFound) {
		return Notification{}, false, nil
	}
	if err != nil {
		return Notification{}, false, fmt.Errorf("reading notification %s: %w", id, err)
	}
	var n Notification
	if err := json.Unmarshal(raw, &n); err != nil {
		return Notification{}, false, fmt.Errorf("decoding notification %s: %w", id, err)
	}
	return n, true, nil
}

func (o *Outbox) put(ctx context.Context, n Notification) error {
	raw, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encoding notification %s: %w", n.ID, err)
	}
	if err := o.st.Set(ctx, keyPending+n.ID, raw, 0); err != nil {
		return fmt.Errorf("storing notification %s: %w", n.ID, err)
	}
	return nil
}

// markSent records that n was delivered, then drops it from the queue. A
// crash in between leaves a pending entry that the next worker drops
// without sending (it sees the marker).
func (o *Outbox) markSent(ctx context.Context, id string) error {
	if err := o.st.Set(ctx, keySent+id, []byte("1"), o.opts.SentTTL); err != nil {
		return fmt.Errorf("recording notification %s as sent: %w", id, err)
	}
	if err := o.st.Delete(ctx, keyPending+id); err != nil {
		return fmt.Errorf("dequeueing notification %s: %w", id, err)
	}
	return nil
}

func (o *Outbox) wasSent(ctx context.Context, id string) (bool, error) {
	_, err := o.st.Get(ctx, keySent+id)
	if errors.Is(err, state.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking notification %s: %w", id, err)
	}
	return true, nil
}

// bury moves n to the dead-letter list.
func (o *Outbox) bury(ctx context.Context, n Notification, cause error) error {
	raw, err := json.Marshal(DeadLetter{Notification: n, Error: cause.Error(), DeadAt: o.opts.Now()})
	if err != nil {
		return fmt.Errorf("encoding dead letter %s: %w", n.ID, err)
	}
	if err := o.st.Set(ctx, keyDead+n.ID, raw, o.opts.DeadTTL); err != nil {
		return fmt.Errorf("storing dead letter %s: %w", n.ID, err)
	}
	if err := o.st.Delete(ctx, keyPending+n.ID); err != nil {
		return fmt.Errorf("dequeueing notification %s: %w", n.ID, err)
	}
	return nil
}
