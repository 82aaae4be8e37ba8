// Package redisstate is the distributed-mode state.Store: Redis holds what
// pipeline replicas share, so dedup fingerprints, counters, leases and
// cursors are seen identically by every replica.
//
//	replica 1 ─┐
//	replica 2 ─┼─▶ state.Store ──▶ redisstate ──▶ Redis
//	replica N ─┘
//
// Every key is stored under Config.KeyPrefix ("yuqing:" by default), so
// several deployments (or tests) can share one Redis database. Expiry is
// Redis's own (PX, millisecond resolution; positive ttls are rounded up to
// whole milliseconds). The conditional operations are single atomic Redis
// operations: SetNX is SET NX PX, IncrBy is a MULTI/EXEC of SET 0 NX PX and
// INCRBY (so only a newly created counter gets the ttl, and values keep full
// int64 precision), and leases are Lua scripts that compare the owner before
// writing or deleting.
//
// In embedded single-process mode use state/localstate instead.
package redisstate
