package match

// A rule is evaluated from a program: its compiled tree in postfix order,
// 12 bytes an instruction, all rules' programs in one slice. Walking the
// pointer tree of each candidate rule costs a cache miss a node; the
// programs of a candidate are one or two cache lines. The tree stays for
// explanations, which only rules that hold need.
type instr struct {
	op    opCode
	field uint8
	key   int32 // term, NEAR: automaton key; AND, OR: operands to pop; others: the cnode in leafs
	key2  int32 // NEAR: its cnode in leafs
}

// emit appends n's program to prog; non-literal leaves are kept in leafs.
func emit(n *cnode, prog []instr, leafs []*cnode) ([]instr, []*cnode) {
	for _, k := range n.kids {
		prog, leafs = emit(k, prog, leafs)
	}
	in := instr{op: n.op, field: n.field, key: n.key}
	switch n.op {
	case opAnd, opOr:
		in.key = int32(len(n.kids))
	case opNot, opTerm:
	case opNear:
		in.key2 = int32(len(leafs)) // the distance lives in the cnode
		leafs = append(leafs, n)
	default:
		in.key = int32(len(leafs))
		leafs = append(leafs, n)
	}
	return append(prog, in), leafs
}

// run evaluates a program.
func (st *state) run(prog []instr, leafs []*cnode) bool {
	stack := st.stack[:0]
	for _, in := range prog {
		var v bool
		switch in.op {
		case opAnd:
			v = true
			for _, x := range stack[len(stack)-int(in.key):] {
				v = v && x
			}
			stack = stack[:len(stack)-int(in.key)]
		case opOr:
			for _, x := range stack[len(stack)-int(in.key):] {
				v = v || x
			}
			stack = stack[:len(stack)-int(in.key)]
		case opNot:
			v = !stack[len(stack)-1]
			stack = stack[:len(stack)-1]
		case opTerm:
			v = st.seen[in.key] == st.epoch && (in.field == fieldAny || st.inField(in.key, in.field))
		case opNear:
			n := leafs[in.key2]
			v = st.seen[in.key] == st.epoch && st.seen[n.key2] == st.epoch && st.eval(n)
		default:
			v = st.eval(leafs[in.key])
		}
		stack = append(stack, v)
	}
	st.stack = stack
	return len(stack) == 1 && stack[0]
}

// inField reports whether key was found in field f.
func (st *state) inField(key int32, f uint8) bool {
	for _, h := range st.occurrences(key) {
		if h.field == f {
			return true
		}
	}
	return false
}
