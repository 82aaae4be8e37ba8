// Package localstate is the embedded-mode state.Store: one bbolt file on
// local disk, used when the whole pipeline runs as a single process.
//
//	collectors, analysis, rules ──▶ state.Store ──▶ localstate (bbolt file)
//
// Collector cursors live here, so the store must survive restarts and
// kill -9: every write is one bbolt transaction, committed and fsynced before
// the method returns. A write that returned nil is on disk; a write that was
// interrupted by a crash is either fully applied or not at all.
//
// Every entry is stored with its expiry (unix nanoseconds, 0 = none). An
// expired entry is invisible to every method as soon as its expiry passes
// (checked on each read against Options.Now); a background sweeper removes
// expired entries physically, using a secondary index ordered by expiry so a
// sweep costs time proportional to what it removes, not to the store's size.
//
// In distributed mode use state/redisstate instead: a bbolt file can be
// opened by only one process at a time.
package localstate
