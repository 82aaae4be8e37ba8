// Package collect runs the collectors: the configured sources (rss, web,
// file, kafka, http_push) that bring outside data into the pipeline.
//
//	sources ─▶ collect (lease, dedup, cursor) ─raw topic─▶ analysis ─▶ …
//
// A source type is a plug-in (a Factory registered by name in a Registry)
// that turns its config section into a Source. The Runner polls each
// source on its interval or cron schedule, only while it holds the
// source's lease in the shared state (so one replica polls a source at a
// time, and another takes over when it dies), drops items already seen
// from any source within the dedup window, produces the rest to the raw
// topic and only then stores the source's cursor and acknowledges the
// batch (moving a file, committing a Kafka offset). A crash between the
// two re-reads the batch: the items come again with the same ids, which
// the dedup lets through and the index stores once.
//
// The Runner records each source's state (ok, failing, quiet), last
// success, last error and items today in the shared state, where
// GET /api/v1/sources reads it from any replica.
package collect
