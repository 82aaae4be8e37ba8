// Package logbus is the embedded-mode bus: a durable, append-only log per
// topic in a local directory, for running the whole pipeline in one process
// without Kafka.
//
// It sits where Kafka sits in the distributed mode, between the pipeline
// stages (collectors -> raw topic -> analysis -> docs topic -> index). Each
// topic has exactly one partition (Partition is always 0) and offsets are
// assigned densely from 0.
//
// # Layout
//
//	dir/LOCK                                  flock held while a Bus is open
//	dir/<topic>/<20-digit base offset>.log    segments, oldest first
//	dir/<topic>/groups/<group>.offset         committed offset of a group
//
// A segment holds records with offsets base, base+1, ...; a new segment is
// started once the active one has reached Options.SegmentBytes. An offset
// file holds the decimal next offset to read and is replaced atomically
// (temporary file, fsync, rename, fsync of the directory).
//
// # Record framing
//
// Every record is framed as (little endian)
//
//	0  uint32 length   bytes after the crc field: 20 + len(key) + len(value)
//	4  uint32 crc      CRC32-C over length, time, key length, key and value
//	8  int64  offset
//	16 int64  time     unix nanoseconds
//	24 uint32 key length
//	28 key, then value
//
// The offset is not covered by the checksum because it is assigned by the
// writer after the producer has encoded the record; it is checked instead by
// density, every record's offset must be its predecessor's plus one.
//
// # Durability and recovery
//
// With Options.Sync a Produce returns after its records are written and
// fsynced; without it, after they are written (they survive a process crash
// but not a machine crash). Concurrent Produce calls are coalesced by one
// writer goroutine per topic, so one write and one fsync serve every caller
// that queued while the previous batch was being written.
//
// On Open the last segment of each topic is scanned; a torn or corrupt tail
// (a crash in the middle of a write) is logged and truncated away. Older
// segments are verified as they are read: a bad record there is reported as
// an error naming the file and byte position, never skipped.
//
// Committed offsets are written only when a stage's output is durable, so
// with Options.Sync delivery is at-least-once across crashes; Trim deletes
// whole segments once every group that ever committed has moved past them.
package logbus
