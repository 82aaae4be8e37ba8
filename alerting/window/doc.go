// Package window evaluates the rule types over time windows — any,
// frequency, spike, flatline, new_term, cardinality, and the require
// condition of major-incident rules — with every counter in the shared
// state.Store, so that several alerting replicas count together.
//
// It sits in the alerting stage after the matcher and before grouping:
//
//	docs ──▶ alerting/match (does the doc match rule r?) ──▶ window.Observe(r, event)
//	                                     clock ──▶ window.Tick(rules) ─┤
//	                                                                   ▼
//	                                  firings ──▶ grouping into alerts (fingerprint, realert) ──▶ notify
//
// Observe is called for each (rule, matched doc) and returns what fires at
// once; Tick is called periodically (about every second) for what fires
// because posts did not arrive (flatline, spike down). Repeated firing is
// limited here only as far as counting needs it; realert, silences and
// grouping belong to the next stage.
//
// # Windows and their approximation
//
// A timeframe T is cut into Buckets (10) buckets of T/10 aligned to the
// Unix epoch, each an IncrBy counter with a ttl a little over the time it
// is read. The count "within T" is the sum of the 10 newest buckets, the
// one holding now included: it covers the last 0.9·T to T, so it never
// counts a post older than T but may miss posts between 0.9·T and T old.
// frequency and spike may therefore fire up to T/10 later than an exact
// sliding window, and flatline may fire up to T/10 earlier. Windows are
// counted by the Evaluator's clock when Observe is called (processing
// time), not by Event.At: a backtest drives the clock to each doc's time.
// Replicas must have roughly synchronised clocks (skew well under T/10).
//
// # When each type fires
//
//   - any: every event.
//   - frequency: when the count for the event's query_key value reaches
//     num_events. It then fires at most once per aligned period
//     [k·T, (k+1)·T) per key (a SetNX claim, so replicas agree), not for
//     every further event: sustained activity fires about once per
//     timeframe, as ElastAlert does after it resets its window.
//   - spike: cur is the count of the current window, ref of the one
//     before. Up (on Observe): cur ≥ spike_height·ref; down (on Tick):
//     cur ≤ ref/spike_height. Both need ref ≥ max(threshold_ref, 1) (a key
//     with no reference does not spike, ElastAlert's alert_on_new_data
//     false) and cur ≥ threshold_cur, and the key must have been seen 2·T
//     ago, so a restart or a new key does not compare against an empty
//     reference. Once per period and direction.
//   - flatline (Tick): fewer than threshold events in T for a query_key
//     value seen at least T ago; values are remembered (key k/<rule>/<v>,
//     first-seen time) for ForgetAfter (7 days) after they were last seen.
//     Without query_key the rule as a whole is watched from its first
//     Tick. Once per period while quiet.
//   - new_term: a value of one of fields not seen in terms_window: one
//     SetNX per value with ttl terms_window, restarted when the value is
//     seen again (at most every terms_window/64 per replica, so "seen"
//     may lag by that much). Cold start: the first observation of each
//     field starts a learning period of terms_window/30 (1 day for the
//     default 30d) during which values are recorded but do not fire, so a
//     new rule does not report every place it meets as new. Values of
//     multi-valued fields (locations) are joined with JoinValues.
//   - cardinality: distinct values of cardinality_field in T per
//     query_key value. Each value is counted in the bucket where it was
//     last seen (a per-bucket SetNX, then the previous bucket is
//     decremented), so the window sum is the number of distinct values
//     with the same 0.9·T–T window as above. Fires when above
//     max_cardinality, or below min_cardinality once the key has been seen
//     for T (checked on Observe, as ElastAlert does). Once per period.
//   - require {min_posts, min_sources, within}: every event also counts
//     posts and distinct sources for its group (the group_by values,
//     GroupKey) over within; a firing caused by the event passes only when
//     the group holds both minimums. Tick-driven firings (spike down) have
//     no group and are not subject to it.
//
// Firing.DocIDs is evidence: the doc that fired and up to MaxEvidence doc
// ids kept from the first 5 events of each bucket of the window, newest
// first, shared between replicas.
//
// # Tests
//
// Timeline is a small text language for scenarios against a
// testclock.Clock (posts at offsets, expected firings between two
// offsets), exported so that other packages' tests (rule packs, grouping)
// can use it.
package window
