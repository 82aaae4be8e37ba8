package cluster

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
)

// entryFormat is the first byte of every band value.
const entryFormat = 1

// maxEntries bounds the candidates one band value keeps. From MaxDistance
// 3 up the bands are 16 bits wide (65,536 values): about 500,000 clusters
// opened within one Window fit with few evictions (8 per value on
// average); beyond that the oldest candidates go first, counted by
// yuqing_cluster_candidates_evicted_total. A smaller MaxDistance means
// fewer, wider bands and more room.
const maxEntries = 16

// errBadValue reports a stored value (band or doc key) that does not
// decode.
var errBadValue = errors.New("undecodable value")

// entry is the first document of a cluster as a band value remembers it.
// The cluster's id is the document's id.
type entry struct {
	hash uint64
	at   int64 // the document's time, unix nanoseconds
	id   string
}

// encodeEntries is the band value holding es: entryFormat, then per entry
// the hash and time as big-endian 64-bit integers and the id as a uvarint
// length and bytes.
func encodeEntries(es []entry) []byte {
	n := 1
	for _, e := range es {
		n += 16 + binary.MaxVarintLen64 + len(e.id)
	}
	b := make([]byte, 1, n)
	b[0] = entryFormat
	for _, e := range es {
		b = binary.BigEndian.AppendUint64(b, e.hash)
		b = binary.BigEndian.AppendUint64(b, uint64(e.at))
		b = binary.AppendUvarint(b, uint64(len(e.id)))
		b = append(b, e.id...)
	}
	return b
}

// decodeEntries reverses encodeEntries.
func decodeEntries(b []byte) ([]entry, error) {
	if len(b) == 0 || b[0] != entryFormat {
		return nil, errBadValue
	}
	b = b[1:]
	var es []entry
	for len(b) > 0 {
		if len(b) < 17 {
			return nil, errBadValue
		}
		e := entry{hash: binary.BigEndian.Uint64(b), at: int64(binary.BigEndian.Uint64(b[8:]))}
		n, k := binary.Uvarint(b[16:])
		if k <= 0 || n == 0 || n > uint64(len(b)-16-k) {
			return nil, errBadValue
		}
		e.id = string(b[16+k : 16+k+int(n)])
		es = append(es, e)
		b = b[16+k+int(n):]
	}
	return es, nil
}

// withEntry returns es plus e, without entries older than oldest and, when
// more than maxEntries remain, without the oldest ones; evicted counts
// those dropped for room.
func withEntry(es []entry, e entry, oldest int64) (out []entry, evicted int) {
	out = make([]entry, 0, len(es)+1)
	out = append(out, e)
	for _, x := range es {
		if x.at >= oldest && x.id != e.id {
			out = append(out, x)
		}
	}
	if len(out) > maxEntries {
		slices.SortFunc(out, compareNewest)
		evicted = len(out) - maxEntries
		out = out[:maxEntries]
	}
	return out, evicted
}

// compareNewest orders entries newest first, then by id.
func compareNewest(a, b entry) int {
	if c := cmp.Compare(b.at, a.at); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// earlier reports whether a is the earlier cluster: smaller time, then
// smaller id, so every replica picks the same one.
func earlier(a, b entry) bool {
	return a.at < b.at || a.at == b.at && a.id < b.id
}
