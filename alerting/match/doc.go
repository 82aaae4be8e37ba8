// Package match is the match language of alert rules and the evaluator
// that runs every enabled rule against every analysed post.
//
// The alerting stage receives each analysis.Doc from the docs topic and
// calls Set.Match once; the rules come from the rule files (package
// alerting/rule), whose match expressions are compiled together into one
// Set and recompiled when the files change. What Match returns, the rules
// that hold and an explanation of why, feeds the rule types (any,
// frequency, spike, …) and is carried by the alert as its evidence.
//
// # Language
//
// Rule files write expressions such as
//
//	(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习
//	NEAR(冒充, 公安, 20) -演习
//	title:爆炸 OR text:"天然气 泄漏"
//	category:fraud >= 0.7 AND kind:sms
//	risk > 0.8  sentiment < -0.5  source:weibo  region:杭州  search:NAME
//
// with these meanings:
//   - A word or "phrase" holds when it is a substring of the text or the
//     title, both normalised as analysis.Normalize does (traditional →
//     simplified, full-width → half-width, lower case, white space runs to
//     one space) and the pattern too, so 發生火災 matches 火灾. title: and
//     text: restrict a word, phrase, NEAR or group to one field.
//   - AND, OR, NOT and parentheses as usual (AND binds tighter than OR);
//     juxtaposition is AND and -word is NOT word. Operators are upper case.
//   - NEAR(a, b, N) holds when a and b occur in the same field, in either
//     order and without overlapping, with at most N characters (runes of
//     the normalised text) between them.
//   - category:ID compares the highest score of ID and its subtypes
//     (ID.…) with >= > <= < =; absent categories score 0, and
//     category:ID alone means category:ID > 0. risk and sentiment compare
//     the doc's scores the same way.
//   - source:S holds for source S and its sub-sources (news for
//     news:xinhuanet); kind:K for kind K; region:R when a place found in
//     the text has a province, city or district name starting with R.
//   - search:NAME is replaced, when the rules are compiled, by the saved
//     search's expression (Options.SavedSearch); a missing search or a
//     cycle is a compile error.
//
// Full-width punctuation that Chinese input methods type (（）“”：＞，)
// reads as its ASCII form. Errors are *SyntaxError with a rune offset.
//
// # Evaluation
//
// Compile puts every distinct literal of every rule into one
// Aho–Corasick automaton over runes and files each rule under the
// cheapest thing a post must have for it to hold (a word, a category, a
// source or a kind). Match normalises and scans the text and the title
// once, then evaluates only the rules filed under what it found and those
// that need nothing (NOT-only, risk, sentiment and region rules).
package match
