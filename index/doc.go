// Package index stores analysed Docs in a bleve full-text index and
// answers searches over them.
//
// It is the last stage of the document path:
//
//	analysis ─docs topic─▶ index ─▶ search API, console, reports
//
// Text and title are indexed from the tokens analysis already computed (the
// Doc carries them), so a document is segmented once in its life; query
// strings go through the same gse tokenizer ("yuqing_zh" analyzer). Index
// is idempotent by document id: indexing the same id again replaces it.
// Batch returns only when the batch is persisted (bleve's scorch default),
// which is what lets the index stage commit its bus offsets after it.
//
// The index is time-partitioned: one bleve index per day (week, month) of
// published_at in the configured zone, recorded with an id → partition map
// in a bbolt file, so a re-sent document moves and keeps one copy, and
// retention drops whole partitions on a cron schedule. A search opens an
// alias of only the partitions its time range touches: the range of the
// request and the time filters the query requires (package ql).
//
// Searches speak the analysts' query language (package ql) and add facets,
// collapsing by repost cluster, cursors and histograms (counted with a term
// facet on the UTC hour of published_at). Saved searches live in
// index/saved.
package index
