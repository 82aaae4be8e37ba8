// Package pii finds personal data in post text — mainland mobile and
// fixed-line numbers, resident ID numbers, bank card numbers and e-mail
// addresses — and masks it.
//
// It runs in the analysis stage, after normalisation and before the text is
// segmented, indexed or shown:
//
//	collectors ─raw─▶ analysis: normalise ▸ pii.Find/Mask ▸ segment ▸ classify ─docs─▶ index, rules
//
// Masking keeps the byte length of the text and changes only bytes inside
// the spans, so offsets computed on the masked text (tokens, highlights,
// classifier evidence) are valid in the original too. Whoever keeps the
// original text also keeps the spans; showing an officer the unmasked value
// is a permission that comes with the security work, not something this
// package decides.
//
// Detection is a single hand-written scan over digit runs and '@' signs, no
// regular expressions: a 160-character post without digits costs a few
// hundred nanoseconds and allocates nothing.
package pii
