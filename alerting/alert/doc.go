// Package alert is the alert store: where the alerting stage records what
// it raised, and where on-duty officers acknowledge, resolve and silence.
//
// It sits between the alerting stage and delivery:
//
//	rules (alerting/rule, alerting/match) ─▶ alert.Store ─▶ notify.Outbox ─▶ receivers
//
// The stage calls Store.Raise for every match. Raise groups matches into
// incidents: the fingerprint is a hash of the rule id and the sorted
// group-by values, and a match within the rule's realert window of the
// alert's last_seen updates that alert (count, last_seen, up to 50
// doc_ids, a timeline entry) instead of creating a new one. The caller
// records the alert (Raise) before it enqueues a notification for it
// (notify.Outbox.Enqueue), so a crash in between delays delivery but never
// loses the alert: the next match, or a sweep over List, finds it again.
//
// Everything lives in a state.Store, so several alerting replicas share
// one set of alerts. Guarantees across replicas:
//
//   - exactly one alert per fingerprint per window: each new alert of a
//     fingerprint takes the next generation number with SetNX, so two
//     replicas that both decide to create race on one key and one wins;
//     the loser updates the winner's alert;
//   - no lost updates: every read-modify-write of an alert (Raise, Ack,
//     Resolve, ResolveQuiet) holds the alert's lease (AcquireLease), waiting
//     for it if another replica holds it. A holder that stalls longer than
//     Options.LeaseTTL can lose its lease; the default is generous.
//
// Lifecycle: firing → acknowledged → resolved, and silenced for alerts
// raised while a matching Silence is active (silenced alerts are not to be
// notified). Invalid transitions return ErrTransition. Every change appends
// an Event to the alert's timeline and bumps its Revision, which the outbox
// uses in its deterministic notification ids.
//
// Retention: Expire deletes resolved alerts whose resolution is older
// than Options.Retention (default 180 days), evidence and timeline with
// them; open alerts are kept. The caller runs it periodically.
//
// Next to come: escalation timers (per-severity chains that stop on
// acknowledgement) and the HTTP endpoints over this store.
package alert
