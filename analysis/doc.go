// Package analysis turns raw Posts into Docs: it normalises the text,
// segments it into Chinese words with gse, and (as the product grows) masks
// personal data, clusters reposts and classifies harm and incidents.
//
// It sits between the raw topic and the docs topic:
//
//	collectors ─raw─▶ analysis ─docs─▶ index, rules
//
// Text is segmented exactly once, here. The tokens travel with the Doc so the
// index and the rule engine see the same words without segmenting again, and
// the bleve tokenizer registered by this package ("yuqing_gse") runs the same
// Segmenter on query strings, so queries and documents agree.
package analysis
