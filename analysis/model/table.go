package model

import "math/bits"

// table maps feature hashes to feature ids: open addressing with linear
// probing at a load factor ≤ 1/2, indexed by the high bits of the key
// times a Fibonacci constant (FNV's low bits mix poorly). It is several
// times faster than a Go map for this one job, which dominates inference.
type table struct {
	slots []slot
	shift uint
}

type slot struct {
	key uint64
	id  int32 // feature id + 1; 0 marks an empty slot
}

func newTable(keys []uint64) table {
	size := 2
	for size < 2*len(keys) {
		size *= 2
	}
	t := table{slots: make([]slot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
	mask := uint64(size - 1)
	for id, k := range keys {
		i := t.home(k)
		for t.slots[i].id != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = slot{key: k, id: int32(id) + 1}
	}
	return t
}

func (t *table) home(key uint64) uint64 {
	return (key * 0x9e3779b97f4a7c15) >> t.shift
}

// get returns the id of key.
func (t *table) get(key uint64) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := t.home(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.id == 0 {
			return 0, false
		}
		if s.key == key {
			return s.id - 1, true
		}
	}
}
