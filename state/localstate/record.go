package localstate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. The layout is versioned through metaBucket/versionKey; a
// change to the record or index encoding must bump formatVersion.
var (
	kvBucket   = []byte("kv")
	expBucket  = []byte("exp")
	metaBucket = []byte("meta")
	versionKey = []byte("version")
)

const (
	formatVersion = 1
	// expirySize is the length of the big-endian expiry that prefixes every
	// record in kvBucket and every key in expBucket.
	expirySize = 8
)

// encodeRecord returns expiry (unix nanos, 0 = none) followed by value.
func encodeRecord(value []byte, expiry int64) []byte {
	rec := make([]byte, expirySize+len(value))
	binary.BigEndian.PutUint64(rec, uint64(expiry))
	copy(rec[expirySize:], value)
	return rec
}

// decodeRecord splits a stored record. The returned value aliases rec, which
// bbolt owns: it is valid only inside the transaction and must be copied
// before it leaves it.
func decodeRecord(rec []byte) (value []byte, expiry int64, err error) {
	if len(rec) < expirySize {
		return nil, 0, fmt.Errorf("corrupt record: %d bytes, want at least %d", len(rec), expirySize)
	}
	return rec[expirySize:], int64(binary.BigEndian.Uint64(rec)), nil
}

// indexKey is the expBucket key for key expiring at expiry: sorting by it
// sorts by expiry first, so the sweeper reads expired entries from the front.
func indexKey(key []byte, expiry int64) []byte {
	k := make([]byte, expirySize+len(key))
	binary.BigEndian.PutUint64(k, uint64(expiry))
	copy(k[expirySize:], key)
	return k
}

// expiryFor turns a ttl into an absolute expiry in unix nanos; ttl 0 means
// no expiry (0). It saturates instead of overflowing for huge ttls.
func expiryFor(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	n := now.UnixNano()
	if n > math.MaxInt64-int64(ttl) {
		return math.MaxInt64
	}
	return n + int64(ttl)
}

// live reports whether an entry with expiry is visible at now (unix nanos).
func live(expiry, now int64) bool {
	return expiry == 0 || now < expiry
}

// buckets wraps the two buckets every write touches so the index can never
// drift from the records.
type buckets struct {
	kv  *bolt.Bucket
	exp *bolt.Bucket
}

func txBuckets(tx *bolt.Tx) (buckets, error) {
	b := buckets{kv: tx.Bucket(kvBucket), exp: tx.Bucket(expBucket)}
	if b.kv == nil || b.exp == nil {
		return buckets{}, fmt.Errorf("database is missing its buckets")
	}
	return b, nil
}

// load returns the value and expiry of key if it exists and is live at now.
// The value aliases bbolt memory (see decodeRecord).
func (b buckets) load(key []byte, now int64) (value []byte, expiry int64, ok bool, err error) {
	rec := b.kv.Get(key)
	if rec == nil {
		return nil, 0, false, nil
	}
	value, expiry, err = decodeRecord(rec)
	if err != nil {
		return nil, 0, false, fmt.Errorf("reading %q: %w", key, err)
	}
	if !live(expiry, now) {
		return nil, 0, false, nil
	}
	return value, expiry, true, nil
}

// put stores value under key with expiry, replacing any previous record and
// its index entry.
func (b buckets) put(key, value []byte, expiry int64) error {
	if err := b.unindex(key); err != nil {
		return err
	}
	if err := b.kv.Put(key, encodeRecord(value, expiry)); err != nil {
		return err
	}
	if expiry != 0 {
		if err := b.exp.Put(indexKey(key, expiry), nil); err != nil {
			return fmt.Errorf("indexing expiry: %w", err)
		}
	}
	return nil
}

// del removes key and its index entry; a missing key is not an error.
func (b buckets) del(key []byte) error {
	if err := b.unindex(key); err != nil {
		return err
	}
	return b.kv.Delete(key)
}

// unindex removes the index entry of key's current record, if any.
func (b buckets) unindex(key []byte) error {
	rec := b.kv.Get(key)
	if rec == nil {
		return nil
	}
	_, expiry, err := decodeRecord(rec)
	if err != nil {
		// A corrupt record has no trustworthy index entry; overwriting or
		// deleting it is the repair, so do not fail the write.
		return nil
	}
	if expiry == 0 {
		return nil
	}
	if err := b.exp.Delete(indexKey(key, expiry)); err != nil {
		return fmt.Errorf("removing expiry index: %w", err)
	}
	return nil
}

// sweep removes up to limit entries whose expiry is at or before now and
// reports how many index entries it consumed. A record is deleted only if it
// still carries the expiry its index entry names.
func (b buckets) sweep(now int64, limit int) (int, error) {
	var due [][]byte
	c := b.exp.Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
		if len(k) < expirySize {
			due = append(due, bytes.Clone(k)) // corrupt index entry: drop it
			continue
		}
		if live(int64(binary.BigEndian.Uint64(k)), now) {
			break
		}
		due = append(due, bytes.Clone(k))
	}
	for _, k := range due {
		if err := b.exp.Delete(k); err != nil {
			return 0, fmt.Errorf("removing expiry index: %w", err)
		}
		if len(k) < expirySize {
			continue
		}
		key := k[expirySize:]
		rec := b.kv.Get(key)
		if rec == nil {
			continue
		}
		if _, expiry, err := decodeRecord(rec); err == nil && expiry == int64(binary.BigEndian.Uint64(k)) {
			if err := b.kv.Delete(key); err != nil {
				return 0, fmt.Errorf("deleting expired %q: %w", key, err)
			}
		}
	}
	return len(due), nil
}
