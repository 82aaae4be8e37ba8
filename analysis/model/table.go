package model

import "math/bits"

// table maps feature hashes to their weight rows for inference. It is an
// open-addressing hash table with linear probing at a load factor ≤ 1/2,
// indexed by the high bits of the key times a Fibonacci constant (FNV's
// low bits mix poorly). Slots hold a 32-bit fingerprint of the key, so the
// probed array is small enough for the L2 cache (4 bytes a slot) and a
// feature the model lacks costs no trip to memory; a known feature's
// weights sit at its slot in a parallel array. Feature lookups are most
// of the time inference takes.
//
// A fingerprint can match a key the model lacks with probability about
// 2⁻³² per lookup, which gives an unseen feature some feature's weights
// about once in four billion lookups; that is accepted. A zero
// fingerprint marks an empty slot.
type table struct {
	fp    []uint32
	w     []float32 // k weights per slot
	k     int
	shift uint
	mask  uint64
}

func newTable(keys []uint64, w []float32, k int) table {
	size := 2
	for size < 2*len(keys) {
		size *= 2
	}
	t := table{fp: make([]uint32, size), w: make([]float32, size*k), k: k,
		shift: uint(64 - bits.TrailingZeros(uint(size))), mask: uint64(size - 1)}
	for id, key := range keys {
		i := t.home(key)
		for t.fp[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.fp[i] = fingerprint(key)
		copy(t.w[int(i)*k:int(i)*k+k], w[id*k:id*k+k])
	}
	return t
}

func fingerprint(key uint64) uint32 {
	if f := uint32(key ^ key>>32); f != 0 {
		return f
	}
	return 1
}

func (t *table) home(key uint64) uint64 {
	return (key * 0x9e3779b97f4a7c15) >> t.shift
}

// get returns the offset in t.w of key's weights.
func (t *table) get(key uint64) (int32, bool) {
	f := fingerprint(key)
	for i := t.home(key); ; i = (i + 1) & t.mask {
		switch t.fp[i] {
		case f:
			return int32(int(i) * t.k), true
		case 0:
			return 0, false
		}
	}
}

// row is the k weights at off.
func (t *table) row(off int32) []float32 {
	return t.w[off : int(off)+t.k]
}

// dedup is a small per-call set of the feature keys of one document,
// generation-stamped so it never needs clearing; it lives in the pooled
// scratch and stays in the L1 cache.
type dedup struct {
	slots []dedupSlot
	gen   uint32
	shift uint
}

type dedupSlot struct {
	key uint64
	gen uint32
	idx int32 // index into scratch.uniq
}

// reset prepares the set for n features.
func (d *dedup) reset(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	d.gen++
	if size > len(d.slots) || d.gen == 0 {
		d.slots = make([]dedupSlot, size)
		d.gen = 1
	}
	d.shift = uint(64 - bits.TrailingZeros(uint(len(d.slots))))
}

// slot returns key's slot and whether it was already there; a new slot
// is claimed for key.
func (d *dedup) slot(key uint64) (*dedupSlot, bool) {
	mask := uint64(len(d.slots) - 1)
	for i := (key * 0x9e3779b97f4a7c15) >> d.shift; ; i = (i + 1) & mask {
		s := &d.slots[i]
		if s.gen != d.gen {
			s.key, s.gen = key, d.gen
			return s, false
		}
		if s.key == key {
			return s, true
		}
	}
}
