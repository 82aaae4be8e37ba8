// Package ahocorasick is the multi-pattern matching core of yuqing: one
// rune-level Aho–Corasick automaton, built once from many keys, that finds
// every occurrence of every key in a text in a single pass.
//
// It sits under the two places that look for many literals at once:
//
//	analysis/classify  every term of the rules file, read through the
//	                   separators spammers put inside words (贷.款)
//	alerting/match     every literal of every alert rule, per field
//
// Each of them keeps its own scan loop, because they read text differently
// (classify skips separator runes and reports byte ranges; match reports
// rune ranges and keeps the byte offset of every rune). What they share is
// here: building the trie over a dense alphabet of the runes the keys use,
// the failure links, the flattened outputs and the stepping. A scan loop
// is
//
//	s := int32(0)
//	for each rune r of the text {
//		sym := a.Symbol(r)
//		if sym == 0 { // r is in no key: no key spans it
//			s = 0
//			continue
//		}
//		s = a.Step(s, sym)
//		for _, id := range a.Outputs(s) {
//			// key id ends at r and began a.KeyRunes(id)-1 runes before it
//		}
//	}
//
// An Automaton is read-only once Build returns, so one may be shared by any
// number of goroutines without locks.
package ahocorasick
