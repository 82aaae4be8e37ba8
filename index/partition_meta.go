package index

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/encoding/json"
	bolt "go.etcd.io/bbolt"
)

// The manifest and the id map live in one bbolt file, partitions.db, in
// the index directory:
//
//	meta        format → "1", period → "day", timezone → "Asia/Shanghai"
//	partitions  key → JSON partRecord (period bounds, created, doc count)
//	ids         doc id → key of the partition holding it
//
// Why bbolt rather than a JSON manifest beside a map: the id map has one
// entry per document (millions), so it needs a keyed store updated in
// place, and with the manifest in the same file the steps that must change
// both — dropping a partition with its ids, recording a batch's ids with
// its partitions' counts — are one transaction and one fsync, with no
// window where the two files disagree. bbolt's file lock also keeps a
// second process off the index. `bbolt buckets/keys/get` inspect it.
const (
	metaFile      = "partitions.db"
	formatVersion = 1
)

var (
	bucketMeta  = []byte("meta")
	bucketParts = []byte("partitions")
	bucketIDs   = []byte("ids")
)

// ErrIncompatible is returned by Open when the index on disk was written
// with another layout, format version, period or time zone.
var ErrIncompatible = errors.New("index on disk is incompatible")

// partRecord is a partition's manifest entry.
type partRecord struct {
	Key     string    `json:"key"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Created time.Time `json:"created"`
	Docs    uint64    `json:"docs"`
}

type metaStore struct{ db *bolt.DB }

// openMeta opens (creating) the manifest at path for an index partitioned
// by period in loc and returns its partition records. A manifest for
// another period or zone is refused while it holds partitions.
func openMeta(path string, period Period, loc *time.Location) (*metaStore, []partRecord, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, nil, fmt.Errorf("opening partition manifest %s: %w", path, err)
	}
	var recs []partRecord
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketParts, bucketIDs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if err := checkScheme(tx, period, loc); err != nil {
			return err
		}
		return tx.Bucket(bucketParts).ForEach(func(_, v []byte) error {
			var r partRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decoding partition record %s: %w", v, err)
			}
			recs = append(recs, r)
			return nil
		})
	})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("reading partition manifest %s: %w", path, err)
	}
	return &metaStore{db: db}, recs, nil
}

// checkScheme compares the stored format, period and zone with the
// wanted ones, writing them when the index has no partitions.
func checkScheme(tx *bolt.Tx, period Period, loc *time.Location) error {
	mb := tx.Bucket(bucketMeta)
	if v := mb.Get([]byte("format")); v != nil && string(v) != strconv.Itoa(formatVersion) {
		return fmt.Errorf("%w: format version %s, this build reads %d", ErrIncompatible, v, formatVersion)
	}
	oldP, oldZ := string(mb.Get([]byte("period"))), string(mb.Get([]byte("timezone")))
	if k, _ := tx.Bucket(bucketParts).Cursor().First(); k != nil && (oldP != string(period) || oldZ != loc.String()) {
		return fmt.Errorf("%w: its partitions are by %s in %s, the config asks for %s in %s "+
			"(keep the old settings, or index into a new data directory)", ErrIncompatible, oldP, oldZ, period, loc)
	}
	for k, v := range map[string]string{"format": strconv.Itoa(formatVersion), "period": string(period), "timezone": loc.String()} {
		if err := mb.Put([]byte(k), []byte(v)); err != nil {
			return err
		}
	}
	return nil
}

func (s *metaStore) close() error { return s.db.Close() }

// addPartition records a new partition (durably, before docs go into it).
func (s *metaStore) addPartition(r partRecord) error {
	return s.db.Update(func(tx *bolt.Tx) error { return putRecord(tx, r) })
}

func putRecord(tx *bolt.Tx, r partRecord) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketParts).Put([]byte(r.Key), v)
}

// lookup sets keys[i] to the partition key recorded for ids[i] ("" when
// there is none).
func (s *metaStore) lookup(ids, keys []string) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIDs)
		for i, id := range ids {
			keys[i] = string(b.Get([]byte(id)))
		}
		return nil
	})
}

// idUpdate is what one batch changes in the manifest.
type idUpdate struct {
	put    map[string]string // id → its partition now
	remove []string          // ids no longer indexed (expired)
	recs   []partRecord      // records with new doc counts
}

// commit applies u in one transaction.
func (s *metaStore) commit(u idUpdate) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIDs)
		for id, key := range u.put {
			if err := b.Put([]byte(id), []byte(key)); err != nil {
				return fmt.Errorf("recording doc %s: %w", id, err)
			}
		}
		for _, id := range u.remove {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, r := range u.recs {
			if err := putRecord(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// dropPartition removes the record of partition key and the ids mapped
// to it, of those listed, in one transaction. With ids nil it scans the
// whole map (for a partition whose directory vanished).
func (s *metaStore) dropPartition(key string, ids []string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIDs)
		if ids == nil {
			if err := b.ForEach(func(k, v []byte) error {
				if string(v) == key {
					ids = append(ids, string(k))
				}
				return nil
			}); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if string(b.Get([]byte(id))) == key { // moved since: not ours to forget
				if err := b.Delete([]byte(id)); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketParts).Delete([]byte(key))
	})
}
