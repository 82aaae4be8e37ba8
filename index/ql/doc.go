// Package ql is the query language analysts type: words and "phrases",
// AND, OR, NOT and parentheses, -exclusions, field filters, ranges and
// regions, for example
//
//	(火灾 OR 爆炸) region:杭州 time:>now-24h -source:weibo risk:>=0.7
//
// # In the pipeline
//
// The search API parses the q parameter with Parse, compiles it with
// Compile into a bleve query over the fields of index.NewMapping, and asks
// TimeBounds which published_at range it needs, to open only the index
// partitions that overlap it. Saved searches and alert rules use the same
// language: they keep the text (Format gives a canonical one) or the Node,
// and compile it again when they run, so that now-24h and the gazetteer
// are current. Every error of Parse and Compile is a *SyntaxError with the
// rune offset of the problem, which the API returns as a 400.
//
// Words are segmented at search time by the analyzer the mapping gives the
// text and title fields ("yuqing_zh"), exactly as documents were, so
// 西湖区火灾 finds documents with both 西湖区 and 火灾 in the text, or both in the
// title. Words of punctuation only are ignored. Full-width （）＂：＞ and
// curly quotes “ ” work like their ASCII forms.
//
// # Grammar
//
// In EBNF (ISO 14977 style); white space separates tokens and is
// otherwise ignored, except inside quotes and range brackets.
//
//	query    = [ or ] .
//	or       = and { "OR" and } .
//	and      = unary { [ "AND" ] unary } .                 (* juxtaposition is AND *)
//	unary    = ( "NOT" | "-" ) unary | primary .           (* "-" directly before the term *)
//	primary  = "(" or ")" | phrase | filter | region | range | word .
//	phrase   = '"' { any rune but '"' } '"' .
//	filter   = keyfield ":" ( bare [ "*" ] | phrase ) .    (* "*" at the end: prefix *)
//	keyfield = "source" | "kind" | "category" | "cluster" | "author" .
//	region   = "region" ":" ( bare | phrase ) .
//	range    = numfield ":" ( [ cmp ] number | interval )
//	         | "time" ":" ( [ cmp ] when | interval ) .
//	numfield = "risk" | "sentiment" .
//	cmp      = ">" | ">=" | "<" | "<=" | "=" .
//	interval = ( "[" | "{" ) bound "TO" bound ( "]" | "}" ) .  (* [ ] include the end, { } do not *)
//	bound    = number | when | "*" .                        (* "*": open end *)
//	when     = date | date "T" clock [ zone ] | "now" [ ( "+" | "-" ) digits unit ] .
//	date     = digit digit digit digit "-" digit digit "-" digit digit .
//	unit     = "m" | "h" | "d" | "w" .                      (* minutes, hours, days of 24 h, weeks *)
//	word     = bare .                                       (* not AND, OR or NOT *)
//	bare     = rune { rune } .                              (* no space, "(", ")" or '"' *)
//
// Precedence is NOT and - over AND over OR. AND, OR and NOT are keywords
// in upper case only. Field names are lower case and only these; any
// other x:y (a URL, 12:30) is a word.
//
// # Semantics
//
//   - A word matches text or title containing all its segmented words; a
//     phrase, its words in order.
//   - source, kind, cluster (index field cluster_id) and author match the
//     value exactly, or with a trailing * every value starting with the rest
//     (source:sms:* → source starts with "sms:"). A quoted value is exact,
//     a trailing * included.
//   - category:incident matches incident and every category under it
//     (incident.fire, incident.fire.forest): exact or prefix "incident.".
//     category:incident* is a plain prefix.
//   - region:杭州 resolves the name with the gazetteer (package places), as
//     the analysis stage resolved the places in documents, and matches
//     the most specific level found: province:浙江省 for 浙江, city:杭州市 for
//     杭州, district:西湖区 and city:杭州市 for 杭州西湖区. A name the gazetteer does
//     not place on its own is looked up after each province name: if that
//     finds one place (义乌 → 浙江省金华市义乌市) it is used, if several
//     (西湖区: 杭州 or 南昌) the query is rejected as ambiguous, listing them,
//     rather than matching any of them; nothing found is an unknown region.
//     Both are errors at the region's position. A value naming several places
//     (杭州宁波) is rejected too: OR several region filters instead.
//   - risk and sentiment compare numbers. time compares published_at: a date
//     is the whole day in Options.Location (Asia/Shanghai by default), so
//     time:[2026-11-01 TO 2026-11-07] covers seven days, time:>2026-11-01
//     starts on 11-02 and time:2026-11-01 is that day; RFC 3339 times are
//     instants, and now-7d counts back from Options.Now.
//   - A query, or group, of exclusions only (-source:weibo) matches every
//     document but those.
//
// # Limits
//
// Parse refuses, with a *SyntaxError at the position where the limit is
// crossed, a query longer than MaxQueryBytes (4 KiB), with more than
// MaxTerms (256) terms, nested deeper than MaxDepth (32) groups and NOTs,
// or with more than MaxPrefixes (16) prefix filters. The language has no
// other wildcard, fuzzy or regular-expression construct.
package ql
