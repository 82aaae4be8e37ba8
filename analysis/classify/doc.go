// Package classify scores documents for harm and incidents: it gives each
// analysed Doc its categories (category id → score in [0, 1]), a sentiment
// in [-1, 1], a risk in [0, 1] and an explanation of every score.
//
// It is part of the analysis stage:
//
//	collectors ─raw─▶ analysis: normalise, segment, classify ─docs─▶ index, alert rules
//
// The analysis stage normalises and segments a Post once and hands the
// normalised text and gse's words to a Classifier. Alert rules match on the
// categories and risk ("fraud ≥ 0.8", "any incident.* ≥ 0.5 and risk ≥
// 0.7") and show the explanation to the on-duty officer, so each Evidence
// names the term, its byte offsets in Input.Text and, when a hit was
// discounted, why (a negation, a rumour denial, a drill or anti-fraud
// publicity context).
//
// Default returns the built-in classifier, compiled from the embedded,
// human-editable rules.yaml (its format is documented at its top): weighted
// terms, trigger-gated regular expressions and combinations per category,
// context words and negations that discount hits, and a sentiment lexicon
// with degree adverbs, negators and Weibo emoticon tags. All terms go into
// one Aho–Corasick automaton, so a document is scanned once whatever the
// number of rules. The categories it covers are listed in Taxonomy and are
// limited to the harms in DESIGN.md's responsible scope.
//
// The trainable model in analysis/model implements the same Classifier
// interface; when one is configured the analysis stage combines its scores
// with this one's, and this package's explanation still says why.
//
// Scores: the evidence weights wᵢ of a category (after discounts) combine
// as 1 − Π(1 − wᵢ). A subtype's parent (fraud) scores the max of its own
// generic evidence and its subtypes. Only scores ≥ MinScore are kept;
// evidence below it is still explained. Sentiment evidence has Category
// "sentiment" and a signed Weight. Risk is described on riskOf.
package classify
