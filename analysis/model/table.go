package model

import (
	"math"
	"math/bits"
)

// table maps feature hashes to their weight rows for inference. It is an
// open-addressing hash table with linear probing at a load factor ≤ 1/2,
// indexed by the high bits of the key times a Fibonacci constant (FNV's
// low bits mix poorly). Each slot holds the key and the feature's k
// weights side by side, so a lookup and the weights it finds cost one
// cache miss, not three (map, id, weight matrix); feature lookups are
// most of the time inference takes.
//
// Slot layout in data, stride 2+k uint32s: key low, key high, then the k
// weights as float32 bits. A zero key marks an empty slot (hashFeature
// never returns 0).
type table struct {
	data   []uint32
	stride int
	shift  uint
	mask   uint64
}

func newTable(keys []uint64, w []float32, k int) table {
	size := 2
	for size < 2*len(keys) {
		size *= 2
	}
	t := table{data: make([]uint32, size*(2+k)), stride: 2 + k,
		shift: uint(64 - bits.TrailingZeros(uint(size))), mask: uint64(size - 1)}
	for id, key := range keys {
		i := t.home(key)
		for t.data[int(i)*t.stride] != 0 || t.data[int(i)*t.stride+1] != 0 {
			i = (i + 1) & t.mask
		}
		s := t.data[int(i)*t.stride:]
		s[0], s[1] = uint32(key), uint32(key>>32)
		for c := range k {
			s[2+c] = math.Float32bits(w[id*k+c])
		}
	}
	return t
}

func (t *table) home(key uint64) uint64 {
	return (key * 0x9e3779b97f4a7c15) >> t.shift
}

// get returns the offset in data of key's weights.
func (t *table) get(key uint64) (int32, bool) {
	lo, hi := uint32(key), uint32(key>>32)
	for i := t.home(key); ; i = (i + 1) & t.mask {
		s := t.data[int(i)*t.stride : int(i)*t.stride+2]
		if s[0] == lo && s[1] == hi {
			return int32(int(i)*t.stride + 2), true
		}
		if s[0] == 0 && s[1] == 0 {
			return 0, false
		}
	}
}

// weight is weight c of the row at off.
func (t *table) weight(off int32, c int) float32 {
	return math.Float32frombits(t.data[int(off)+c])
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
