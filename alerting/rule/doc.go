// Package rule reads, validates and writes alert rule files.
//
// It sits at the start of the alerting stage: the pipeline's documents
// (analysis → index) flow past the rules, and alerts flow on to grouping,
// lifecycle and notification. Rules are YAML files under rules_dir
// (configs/rules by default), one rule, a YAML list of rules or several
// `---` documents per file. They are reloadable: a reload calls LoadDir
// again and swaps the whole set only when every file is valid, so a typo
// never disables the rules that were running.
//
// This package only parses and validates. It stores a rule's match
// expression as text; the expression parser, the shared multi-pattern
// matcher and the rule engine (window counters, grouping, realert) consume
// Rule values and check expressions through Options.Validate.
//
// Every error names the file, the line, the rule and the field:
//
//	configs/rules/x.yaml:12: rule fraud-wave: num_events: must be a positive integer
//
// A rule's Version is the first 12 hex digits of the SHA-256 of its
// canonical JSON with defaults filled in, so it changes when the rule
// changes and not when comments, quoting or key order do. Alerts carry it
// as rule_version.
package rule
