// Package notify delivers alerts: a persistent outbox in the shared state,
// workers that drain it, and the receivers they send through (webhook here;
// dingtalk, wecom, feishu and e-mail receivers come next, each behind the
// same Receiver interface).
//
// Place in the pipeline:
//
//	alerting stage ─▶ alert.Store (Raise records the alert)
//	               ─▶ Outbox.Enqueue (records the notification)
//	               ─▶ Worker.Run ─▶ Receiver.Send (webhook, …)
//
// The caller records an alert before it enqueues a notification for it,
// and a notification is enqueued (stored) before any worker sends it, so a
// kill -9 anywhere between the match and the receiver delays a delivery
// but never loses it. Escalation chains will enqueue through the same
// outbox.
//
// Delivery guarantee: at-least-once, with a dedupe key. A notification's
// id is deterministic (NotificationID: alert id, receiver, alert revision);
// Enqueue of an id that is pending, was sent (within SentTTL) or is dead is
// a no-op, and every send carries the id (the Idempotency-Key header and
// the payload's notificationId), so a receiver can drop the rare
// duplicate. Duplicates happen only when a worker dies, or its context is
// cancelled, after a receiver got the message and before the outbox
// recorded it: another worker sends it again once the lease is gone.
//
// Workers on several replicas share one outbox. A worker takes a lease on
// a notification before sending it, so two workers never send the same
// notification at the same time; a send is cut off at half the lease ttl,
// so the lease cannot expire during a send. Failures are retried with
// exponential backoff (Backoff) up to MaxAttempts; permanent failures (a
// webhook's 4xx other than 429, an unknown receiver) and exhausted retries
// go to the dead-letter list (Outbox.DeadLetters, Outbox.Retry). The
// per-receiver rate limit is a token bucket per worker process, not a
// global one.
package notify
