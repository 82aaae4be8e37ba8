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
package index
