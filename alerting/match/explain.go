package match

// explain appends the Hits of a node that holds.
func (st *state) explain(n *cnode, out []Hit) []Hit {
	switch n.op {
	case opAnd:
		for _, k := range n.kids {
			out = st.explain(k, out)
		}
	case opOr:
		for _, k := range n.kids {
			if st.eval(k) {
				out = st.explain(k, out)
			}
		}
	case opNot:
		out = append(out, Hit{Clause: n.clause})
	case opTerm:
		for _, f := range []uint8{fieldText, fieldTitle} {
			if h, ok := st.term(n, f); ok {
				out = append(out, st.span(n.clause, f, h.rs, h.re))
			}
		}
	case opNear:
		for _, f := range []uint8{fieldText, fieldTitle} {
			if a, b, ok := st.near(n, f); ok {
				out = append(out, st.span(n.clause, f, min(a.rs, b.rs), max(a.re, b.re)))
			}
		}
	case opCategory, opRisk, opSentiment:
		v, _ := st.score(n)
		out = append(out, Hit{Clause: n.clause, Score: v})
	case opSource:
		out = append(out, Hit{Clause: n.clause, Term: st.d.Source})
	case opKindEq:
		out = append(out, Hit{Clause: n.clause, Term: st.d.Kind})
	case opRegion:
		l := st.d.Locations[st.region(n.str)]
		out = append(out, Hit{Clause: n.clause, Field: "text", Term: l.Mention, Start: l.Start, End: l.End})
	}
	return out
}

// span is a Hit for runes [rs, re) of the normalised field f, mapped back
// to the original.
func (st *state) span(clause string, f uint8, rs, re int32) Hit {
	bs, be := int(st.starts[f][rs]), int(st.starts[f][re])
	os, oe := st.norm[f].Orig(bs, be)
	return Hit{Clause: clause, Field: fieldNames[f], Term: st.text[f][os:oe], Start: os, End: oe}
}
