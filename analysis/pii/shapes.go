package pii

// The shapes each kind of number may be written in. Each method looks for
// a number starting at g[0] of the window; alone() then checks that it is
// not part of something longer.

func (w *window) mobile() (cand, bool) {
	g0 := w.g[0]
	if g0.x {
		return cand{}, false
	}
	d := w.t[g0.start:g0.end]
	// +86 and 0086, as a group of their own or run into the number.
	if w.first && w.lead.plus && d == "86" || d == "0086" {
		if !isSpaceOrHyphen(g0.sep) || w.n < 2 {
			return cand{}, false
		}
		// The separator after the prefix is not one of the number's own:
		// "+86 13812345678 13987654321" is two numbers.
		c, ok := w.mobileAt(1)
		c.prefixed = w.first && w.lead.plus
		return c, ok
	}
	if w.first && w.lead.plus && len(d) == 13 && d[:2] == "86" || len(d) == 15 && d[:4] == "0086" {
		return cand{kind: Mobile, m: 1, prefixed: w.first && w.lead.plus}, validMobile(d[len(d)-11:])
	}
	return w.mobileAt(0)
}

// mobileAt matches 13812345678, 138-1234-5678 or 138 12345678 at g[k].
func (w *window) mobileAt(k int) (cand, bool) {
	c := cand{kind: Mobile}
	g := w.g[k:w.n]
	switch {
	case g[0].n == 11:
		c.m = k + 1
	case g[0].n != 3 || !isSpaceOrHyphen(g[0].sep) || len(g) < 2 || g[1].x:
		return c, false
	case g[1].n == 8:
		c.m, c.seps = k+2, sepBit(g[0].sep)
	case g[1].n == 4 && g[1].sep == g[0].sep && len(g) >= 3 && g[2].n == 4 && !g[2].x:
		c.m, c.seps = k+3, sepBit(g[0].sep)
	default:
		return c, false
	}
	if g[0].x {
		return c, false
	}
	var buf [24]byte
	return c, validMobile(w.digits(k, c.m, &buf))
}

func (w *window) landline() (cand, bool) {
	g0 := w.g[0]
	c := cand{kind: Landline, ext: true}
	if g0.x {
		return c, false
	}
	d := w.t[g0.start:g0.end]
	if len(d) >= 10 { // area code and subscriber number run together
		a := areaLen(d)
		c.m = 1
		return c, a > 0 && validSubscriber(d[a:], a)
	}
	a := areaLen(d)
	if a == 0 || a != len(d) || w.n < 2 {
		return c, false
	}
	paren := w.first && w.lead.paren && g0.sep == ')'
	if !paren && !isSpaceOrHyphen(g0.sep) {
		return c, false
	}
	c.prefixed = paren
	c.seps = sepBit(g0.sep)
	g := w.g[1:w.n]
	switch {
	case g[0].x:
		return c, false
	case g[0].n == 7 || g[0].n == 8:
		c.m = 2
	case (g[0].n == 3 || g[0].n == 4) && isSpaceOrHyphen(g[0].sep) && len(g) >= 2 && g[1].n == 4 && !g[1].x:
		c.m = 3
		c.seps |= sepBit(g[0].sep)
	default:
		return c, false
	}
	var buf [24]byte
	return c, validSubscriber(w.digits(1, c.m, &buf), a)
}

func (w *window) idCard() (cand, bool) {
	g := w.g[:w.n]
	c := cand{kind: IDCard, m: 1}
	switch {
	case g[0].n == 18 && !g[0].x || g[0].n == 17 && g[0].x:
	case g[0].n == 6 && isSpaceOrHyphen(g[0].sep) && len(g) >= 3 &&
		g[1].n == 8 && !g[1].x && g[1].sep == g[0].sep && (g[2].n == 4 && !g[2].x || g[2].n == 3 && g[2].x):
		c.m, c.seps = 3, sepBit(g[0].sep)
	default:
		return c, false
	}
	var buf [24]byte
	return c, validID(w.digits(0, c.m, &buf))
}

// bankCard matches 16–19 digits in one run or in groups of four, the last
// group possibly shorter. An 18-digit number that is a valid ID is an ID.
func (w *window) bankCard() (cand, bool) {
	g := w.g[:w.n]
	c := cand{kind: BankCard, m: 1}
	switch {
	case g[0].x:
		return c, false
	case g[0].n >= 16 && g[0].n <= 19:
	case g[0].n == 4 && isSpaceOrHyphen(g[0].sep):
		c.m, c.seps = fourGroups(g), sepBit(g[0].sep)
		if c.m == 0 {
			return c, false
		}
	default:
		return c, false
	}
	var buf [24]byte
	d := w.digits(0, c.m, &buf)
	if len(d) == 18 && validID(d) {
		c.kind = IDCard
		return c, true
	}
	return c, validCard(d)
}

// fourGroups returns how many groups of g make a card number written in
// fours (4-4-4-4, 4-4-4-4-3, …), all joined by g[0]'s separator; 0 if they
// do not make 16–19 digits.
func fourGroups(g []group) int {
	s := g[0].sep
	j, total := 0, 0
	for j < len(g) && g[j].n == 4 && !g[j].x {
		total += 4
		j++
		if g[j-1].sep != s {
			break
		}
	}
	if g[j-1].sep == s && j < len(g) && g[j].n < 4 && !g[j].x {
		total += g[j].n
		j++
	}
	if total < 16 || total > 19 {
		return 0
	}
	return j
}
