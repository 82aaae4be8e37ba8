package localstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/yuqing-dev/yuqing/state"
)

var (
	_ state.Store     = (*Store)(nil)
	_ state.SetManyer = (*Store)(nil)
	_ state.GetManyer = (*Store)(nil)
)

const (
	// DefaultSweepInterval is the sweeper period when Options.SweepInterval
	// is 0.
	DefaultSweepInterval = time.Minute
	// lockTimeout bounds how long Open waits for the file lock that another
	// process (or another Store in this process) holds on the same file.
	lockTimeout = 5 * time.Second
	// sweepBatch bounds the entries one sweep transaction removes, so the
	// sweeper never holds the write lock for long.
	sweepBatch = 1000
)

// Options tunes Open. The zero value is ready to use.
type Options struct {
	// Now returns the current time; expiry is computed and checked against
	// it. Tests inject a fake clock here. Default time.Now.
	Now func() time.Time
	// SweepInterval is how often the background sweeper physically removes
	// expired entries. 0 means DefaultSweepInterval; a negative value
	// disables the sweeper goroutine (expired entries stay invisible but
	// occupy disk until overwritten or deleted).
	SweepInterval time.Duration
	// Logger receives sweeper diagnostics. Default slog.Default().
	Logger *slog.Logger
	// NoSync skips the fsync of each write: a killed process loses
	// nothing (the kernel has the pages), but a power loss may lose recent
	// writes or corrupt the file. Only for state that can be rebuilt, such
	// as alert window counters.
	NoSync bool
}

// Store is a state.Store backed by a single bbolt file. It is safe for
// concurrent use. Only one Store (in any process) can have a file open.
//
// Keys must be non-empty and at most 32760 bytes (bbolt's key limit minus
// the expiry index prefix). Concurrent writes share transactions, and so
// fsyncs (see committer). The ctx of each method is checked before it starts; a bbolt
// transaction in progress cannot be interrupted.
type Store struct {
	db     *bolt.DB
	writes *committer // every write but the sweeper's goes through it
	path   string
	now    func() time.Time
	log    *slog.Logger

	stop      chan struct{} // closed by Close to stop the sweeper
	swept     chan struct{} // closed when the sweeper has returned
	closeOnce sync.Once
	closeErr  error
}

// Open opens or creates the store file at path (its directory must exist).
// It fails if the file is held by another Store for longer than a few
// seconds, or was written by an incompatible format version.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("opening local state: empty path")
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("opening local state %s: %w", path, err)
	}
	db.NoSync = opts.NoSync
	if err := db.Update(initLayout); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("initialising local state %s: %w", path, err)
	}
	s := &Store{
		db:     db,
		writes: &committer{db: db},
		path:   path,
		now:    opts.Now,
		log:    opts.Logger,
		stop:   make(chan struct{}),
		swept:  make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "localstate", "path", path)
	interval := opts.SweepInterval
	if interval == 0 {
		interval = DefaultSweepInterval
	}
	if interval > 0 {
		go s.sweepLoop(interval)
	} else {
		close(s.swept)
	}
	return s, nil
}

// initLayout creates the buckets of a new file and checks the format version
// of an existing one.
func initLayout(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(metaBucket)
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", metaBucket, err)
	}
	if v := meta.Get(versionKey); v != nil {
		if len(v) != 8 || binary.BigEndian.Uint64(v) != formatVersion {
			return fmt.Errorf("unsupported format version %x, want %d", v, formatVersion)
		}
	} else {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], formatVersion)
		if err := meta.Put(versionKey, v[:]); err != nil {
			return fmt.Errorf("writing format version: %w", err)
		}
	}
	for _, name := range [][]byte{kvBucket, expBucket} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	return nil
}

// Close stops the sweeper and closes the file. Later calls return the first
// call's result; every other method fails after Close.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.swept
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("closing local state %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// sweepLoop runs sweep every interval until Close.
func (s *Store) sweepLoop(interval time.Duration) {
	defer close(s.swept)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-ticker.C:
		}
		start := time.Now()
		n, err := s.sweep()
		if err != nil {
			s.log.Warn("sweeping expired entries", "removed", n, "err", err)
			continue
		}
		if n > 0 {
			s.log.Debug("swept expired entries", "removed", n, "took", time.Since(start))
		}
	}
}

// sweep physically removes every entry that has expired by now, in batches
// of sweepBatch per transaction, and reports how many it removed. It stops
// early when Close is called.
func (s *Store) sweep() (int, error) {
	total := 0
	for {
		select {
		case <-s.stop:
			return total, nil
		default:
		}
		var n int
		err := s.db.Update(func(tx *bolt.Tx) error {
			b, err := txBuckets(tx)
			if err != nil {
				return err
			}
			n, err = b.sweep(s.now().UnixNano(), sweepBatch)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("sweeping %s: %w", s.path, err)
		}
		total += n
		if n < sweepBatch {
			return total, nil
		}
	}
}
