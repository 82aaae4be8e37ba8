package pii

// A chain is a run of digit groups joined by single separators, such as
// "+86 138-1234-5678" or "(0571) 8765 4321". Find reads each chain once,
// then tries, group by group from the left, to match a number at the
// start of what is left (see window.match).

// minDigits is the fewest digits any reported number has (a mobile, or an
// area code and a subscriber number).
const minDigits = 11

// winCap bounds how many groups a candidate looks at: the longest shape,
// a bank card 4-4-4-4-3, plus the group after it.
const winCap = 8

// group is one run of digits inside a chain.
type group struct {
	start, end int  // the digits, and a trailing check character x if x is set
	n          int  // number of digits
	x          bool // ends in x/X (only after 17 or 3 digits: the end of an ID)
	sep        byte // what joins the next group: ' ', '-' or ')'; 0 if this group ends the chain
	next       int  // start of the next group when sep != 0
}

// readGroup reads the group that starts at i, a digit. paren says the
// group follows '(', so that ")" or ") " may join it to the next one.
func readGroup(t string, i int, paren bool) group {
	j := i
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	g := group{start: i, end: j, n: j - i}
	if (g.n == 17 || g.n == 3) && j < len(t) && t[j]|0x20 == 'x' && (j+1 == len(t) || !isWord(t[j+1])) {
		g.x, g.end = true, j+1
	}
	e := g.end
	switch {
	case e+1 >= len(t):
	case paren && t[e] == ')':
		if isDigit(t[e+1]) {
			g.sep, g.next = ')', e+1
		} else if e+2 < len(t) && t[e+1] == ' ' && isDigit(t[e+2]) {
			g.sep, g.next = ')', e+2
		}
	case (t[e] == ' ' || t[e] == '-') && isDigit(t[e+1]):
		g.sep, g.next = t[e], e+1
	}
	return g
}

// lead is what precedes the first group of a chain.
type lead struct {
	plus  bool // "+" right before it
	paren bool // "(" right before it
	glued bool // it continues a word or a decimal fraction on its left
}

func leadAt(t string, i int) lead {
	var l lead
	p := i - 1
	if p >= 0 && t[p] == '+' {
		l.plus, p = true, p-1
	} else if p >= 0 && t[p] == '(' {
		l.paren, p = true, p-1
	}
	if p >= 0 {
		c := t[p]
		l.glued = isWord(c) || c == '.' && p > 0 && isDigit(t[p-1])
	}
	return l
}

// gluedRight reports whether the number ending before e continues into a
// word or a decimal fraction.
func gluedRight(t string, e int) bool {
	if e >= len(t) {
		return false
	}
	c := t[e]
	return isWord(c) || c == '.' && e+1 < len(t) && isDigit(t[e+1])
}

// chain matches numbers in the chain that starts at i and returns its end.
func (f *finder) chain(i int) int {
	t := f.text
	l := leadAt(t, i)
	g := readGroup(t, i, l.paren)
	total := g.n
	for g.sep != 0 {
		g = readGroup(t, g.next, false)
		total += g.n
	}
	end := g.end
	if total < minDigits || touchesMask(t, i, -1) || touchesMask(t, end, +1) {
		return end
	}
	w := window{t: t, lead: l, first: true, tailGlued: gluedRight(t, end)}
	for pos := i; ; {
		w.fill(pos)
		m := 1
		if c, ok := w.match(); ok {
			f.add(c.kind, w.start(c), w.g[c.m-1].end)
			m = c.m
		}
		last := w.g[m-1]
		if last.sep == 0 {
			return end
		}
		w.first, w.prev, pos = false, last.sep, last.next
	}
}

// window is the part of a chain from one group on, as far as a candidate
// can reach.
type window struct {
	t         string
	g         [winCap]group
	n         int
	first     bool // g[0] is the first group of the chain
	lead      lead // what precedes the chain
	prev      byte // separator before g[0] when !first
	tailGlued bool // the chain's last group is glued on its right
}

func (w *window) fill(pos int) {
	w.n = 0
	g := readGroup(w.t, pos, w.first && w.lead.paren)
	for {
		w.g[w.n] = g
		w.n++
		if g.sep == 0 || w.n == winCap {
			return
		}
		g = readGroup(w.t, g.next, false)
	}
}

// cand is a number matched at the start of a window.
type cand struct {
	kind     Kind
	m        int   // groups used: g[:m]
	seps     uint8 // separators used between them (sepBit)
	prefixed bool  // the span starts one byte earlier, at "+" or "("
	ext      bool  // may be followed by an extension written like its own groups
}

func sepBit(c byte) uint8 {
	switch c {
	case ' ':
		return 1
	case '-':
		return 2
	case ')':
		return 4
	}
	return 0
}

func isSpaceOrHyphen(c byte) bool { return c == ' ' || c == '-' }

func (w *window) start(c cand) int {
	if c.prefixed {
		return w.g[0].start - 1
	}
	return w.g[0].start
}

// digits copies the digits (and check character) of g[k:m] into buf; the
// shapes that call it never have more than 19 digits and an x.
func (w *window) digits(k, m int, buf *[24]byte) []byte {
	n := 0
	for _, g := range w.g[k:m] {
		n += copy(buf[n:], w.t[g.start:g.end])
	}
	return buf[:n]
}

// match returns the first candidate at g[0] that stands alone. The shapes
// barely overlap (a mobile starts with 1, a landline with 0, a card with
// 2–6 or 9), except that an 18-digit number is tried as an ID first.
func (w *window) match() (cand, bool) {
	if c, ok := w.mobile(); ok && w.alone(c) {
		return c, true
	}
	if c, ok := w.landline(); ok && w.alone(c) {
		return c, true
	}
	if c, ok := w.idCard(); ok && w.alone(c) {
		return c, true
	}
	if c, ok := w.bankCard(); ok && w.alone(c) {
		return c, true
	}
	return cand{}, false
}

// alone reports whether c is a whole number rather than part of a longer
// one: not glued to a word, and not continued on either side by groups
// joined with a separator it uses itself.
func (w *window) alone(c cand) bool {
	if w.first {
		if w.lead.glued || w.lead.plus && !c.prefixed {
			return false
		}
	} else if c.seps&sepBit(w.prev) != 0 {
		return false
	}
	last := w.g[c.m-1]
	switch {
	case last.sep == 0:
		return !w.tailGlued
	case c.seps&sepBit(last.sep) == 0:
		return true
	}
	return c.ext && c.m < w.n && w.g[c.m].n <= 5
}
