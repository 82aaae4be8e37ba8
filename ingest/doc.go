// Package ingest defines what collectors hand to the pipeline — the Post
// and SMS records of the public data contract — and turns request bodies
// into validated Posts with stable ids.
//
// It is the first stage of the pipeline:
//
//	collectors / HTTP push ─▶ ingest (validate, id) ─raw topic─▶ analysis
//
// Parsing is per record: one bad record is rejected with a stable code and
// a message naming the record and field, and never takes its good
// neighbours with it. Ids are given, or derived from source+url, or from a
// hash of the content, so sending the same record twice is idempotent.
package ingest
