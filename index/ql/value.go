package ql

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// fieldNode interprets a field token: a keyword filter, a region or a range.
func fieldNode(t token) (Node, *SyntaxError) {
	switch {
	case t.name == regionField:
		v, err := plainValue(t)
		if err != nil {
			return nil, err
		}
		if !t.quoted && strings.HasSuffix(v, "*") {
			return nil, errAt(t.vpos, "region takes a place name, not a prefix")
		}
		return &Region{Name: v, Pos: t.vpos}, nil
	case slices.Contains(rangeFields, t.name):
		return rangeNode(t)
	}
	v, err := plainValue(t)
	if err != nil {
		return nil, err
	}
	f := &Field{Name: t.name, Value: v, Pos: t.pos}
	if !t.quoted && strings.HasSuffix(v, "*") {
		f.Value, f.Prefix = strings.TrimSuffix(v, "*"), true
		if f.Value == "" {
			return nil, expected(t.vpos, "a value", `before "*"`)
		}
	}
	return f, nil
}

// plainValue is the value of a keyword or region field, without
// surrounding space.
func plainValue(t token) (string, *SyntaxError) {
	v := strings.TrimSpace(t.text)
	if v == "" {
		return "", expected(t.vpos, "a value", "after %q", t.name+":")
	}
	return v, nil
}

// rangeNode parses risk:>0.7, risk:[0.2 TO 0.8], time:2026-11-01, ….
func rangeNode(t token) (Node, *SyntaxError) {
	r := &Range{Field: t.name, Pos: t.pos}
	if t.quoted {
		return nil, expected(t.vpos, `">", ">=", "<", "<=", a value or "[low TO high]"`, "after %q", t.name+":")
	}
	if t.open != 0 {
		if err := r.interval(t); err != nil {
			return nil, err
		}
		return r, r.check()
	}
	op, v := splitOp(t.text)
	pos := t.vpos + len(t.text) - len(v) // the operators are ASCII
	if v == "" {
		return nil, expected(pos, "a value", "after %q", t.name+":"+op)
	}
	c, err := canonical(t.name, v, pos)
	if err != nil {
		return nil, err
	}
	switch op {
	case ">", ">=":
		r.Lo = Bound{Value: c, Inclusive: op == ">="}
	case "<", "<=":
		r.Hi = Bound{Value: c, Inclusive: op == "<="}
	default:
		r.Lo = Bound{Value: c, Inclusive: true}
		r.Hi = r.Lo
	}
	return r, nil
}

// splitOp splits a leading comparison from s.
func splitOp(s string) (op, rest string) {
	for _, op := range []string{">=", "<=", ">", "<", "="} {
		if v, ok := strings.CutPrefix(s, op); ok {
			if op == "=" {
				op = ""
			}
			return op, v
		}
	}
	return "", s
}

// interval parses the inside of [lo TO hi]; "*" leaves an end open, and
// { } exclude their end.
func (r *Range) interval(t token) *SyntaxError {
	parts, offs := fieldsAt(t.text)
	if len(parts) != 3 || !strings.EqualFold(parts[1], "TO") {
		return expected(t.vpos, `"[low TO high]"`, "in %s range", t.name)
	}
	bs := []*Bound{&r.Lo, &r.Hi}
	incl := []bool{t.open == '[', t.close == ']'}
	for i, p := range []int{0, 2} {
		if parts[p] == "*" {
			continue
		}
		c, err := canonical(t.name, parts[p], t.vpos+1+offs[p])
		if err != nil {
			return err
		}
		*bs[i] = Bound{Value: c, Inclusive: incl[i]}
	}
	if r.Lo.Value == "" && r.Hi.Value == "" {
		return expected(t.vpos, "a bound", `other than "*" in %s range`, t.name)
	}
	return nil
}

// check rejects a numeric range that nothing can match; time ranges are
// checked by Compile, when now and the location are known.
func (r *Range) check() *SyntaxError {
	if r.Field == "time" || r.Lo.Value == "" || r.Hi.Value == "" {
		return nil
	}
	lo, _ := strconv.ParseFloat(r.Lo.Value, 64)
	hi, _ := strconv.ParseFloat(r.Hi.Value, 64)
	if lo > hi || lo == hi && !(r.Lo.Inclusive && r.Hi.Inclusive) {
		return errAt(r.Pos, "empty range: %s to %s", r.Lo.Value, r.Hi.Value)
	}
	return nil
}

// fieldsAt is strings.Fields with the rune offset of each field.
func fieldsAt(s string) ([]string, []int) {
	var parts []string
	var offs []int
	start := -1
	rs := []rune(s)
	for i := 0; i <= len(rs); i++ {
		space := i == len(rs) || unicode.IsSpace(rs[i])
		switch {
		case space && start >= 0:
			parts, offs = append(parts, string(rs[start:i])), append(offs, start)
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return parts, offs
}

// canonical validates a bound of field and returns its canonical form.
func canonical(field, v string, pos int) (string, *SyntaxError) {
	if field == "time" {
		w, err := parseWhen(v, pos)
		if err != nil {
			return "", err
		}
		return w.String(), nil
	}
	f, err := parseNumber(v, pos)
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(f, 'g', -1, 64), nil
}

func parseNumber(v string, pos int) (float64, *SyntaxError) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errAt(pos, "bad number %q", v)
	}
	return f, nil
}
