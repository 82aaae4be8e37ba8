// Package state defines Store, the small key-value state that pipeline
// stages need beyond the bus: dedup fingerprints (SetNX), rate and volume
// counters with a time to live (IncrBy), leases that keep two replicas from
// running the same collector (AcquireLease/ReleaseLease) and collector
// cursors (Get/Set).
//
//	collectors ──cursors, leases──▶ state ◀──fingerprints, counters── analysis, rules
//
// Two implementations back it:
//
//   - state/redisstate: distributed mode. Redis holds what the replicas
//     share, so every replica sees the same fingerprints, counters and
//     leases.
//   - state/localstate: embedded single-process mode. A bbolt file on local
//     disk; it must survive restarts and kill -9 because collector cursors
//     live there.
//
// Both pass the contract suite in state/statetest, which is the executable
// definition of the semantics documented on Store (ttl 0 = no expiry,
// expired entries are invisible, IncrBy keeps a counter's original expiry,
// leases are owner-checked).
package state
