package pii

// at handles the '@' at a: it records the e-mail address around it, if
// there is one, and returns where scanning resumes. A valid domain after
// '@' is skipped whether or not a local part precedes it, so the digits of
// "@163.com" or of a masked address are never read as a number.
func (f *finder) at(a int) int {
	lo := f.lo
	end, ok := domainEnd(f.text, a+1)
	if !ok {
		f.lo = a + 1
		return a + 1
	}
	f.lo = end
	if s, ok := localStart(f.text, lo, a); ok {
		f.addEmail(s, end)
	}
	return end
}

// addEmail records the address [s, end) unless a number found before it
// starts earlier and runs into it; numbers inside it give way.
func (f *finder) addEmail(s, end int) {
	j := len(f.spans)
	for j > 0 && f.spans[j-1].End > s {
		j--
	}
	if j < len(f.spans) && f.spans[j].Start < s {
		return
	}
	f.spans = f.spans[:j]
	f.add(Email, s, end)
}

// localStart returns the start of the local part that ends at a (the '@'),
// not before lo: the longest dot-atom there (RFC 5322 atext and dots, no
// leading, trailing or doubled dot), 1–64 bytes. A local part next to a '*'
// is what is left of an earlier mask and is refused.
func localStart(t string, lo, a int) (int, bool) {
	s := a
	for s > lo {
		c := t[s-1]
		if c == '.' {
			if s-2 >= lo && t[s-2] == '.' {
				break
			}
		} else if class[c]&cAtext == 0 {
			break
		}
		s--
	}
	for s < a && t[s] == '.' {
		s++
	}
	if s == a || a-s > 64 || t[a-1] == '.' || touchesMask(t, s, -1) {
		return 0, false
	}
	return s, true
}

// domainEnd reads the domain that starts at i and returns its end (a
// trailing dot, as at the end of a sentence, is left out). The domain must
// have at least two labels of letters, digits and inner hyphens, at most
// 63 bytes each and 253 in all, the last of them letters only, and must
// not run into a '*'.
func domainEnd(t string, i int) (int, bool) {
	e := i
	for e < len(t) && (class[t[e]]&cDomain != 0 || t[e] == '.') {
		e++
	}
	if e < len(t) && t[e] == '*' {
		return 0, false
	}
	for e > i && t[e-1] == '.' {
		e--
	}
	if e-i > 253 {
		return 0, false
	}
	labels, alpha := 0, false
	for j := i; j <= e; {
		k := j
		alpha = true
		for k < e && t[k] != '.' {
			alpha = alpha && class[t[k]]&cAlpha != 0
			k++
		}
		if k == j || k-j > 63 || t[j] == '-' || t[k-1] == '-' {
			return 0, false
		}
		labels++
		j = k + 1
	}
	return e, labels >= 2 && alpha && e-i >= 2 && class[t[e-2]]&cAlpha != 0
}
