package localstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/yuqing-dev/yuqing/state"
)

// Get returns a copy of the value of key, or state.ErrNotFound (unwrapped)
// when the key is missing or expired.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("getting %s: %w", key, err)
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := txBuckets(tx)
		if err != nil {
			return err
		}
		v, _, ok, err := b.load([]byte(key), s.now().UnixNano())
		if err != nil {
			return err
		}
		if !ok {
			return state.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	if errors.Is(err, state.ErrNotFound) {
		return nil, state.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("getting %s: %w", key, err)
	}
	return out, nil
}

// Set stores value under key with ttl (0 = no expiry), replacing any value
// and its expiry. A negative ttl is an error.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return s.update(ctx, "setting", key, ttl, func(b buckets, now time.Time) error {
		return b.put([]byte(key), value, expiryFor(now, ttl))
	})
}

// GetMany returns copies of the values of keys, read in one transaction:
// nil for a missing or expired key.
func (s *Store) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("getting %d keys: %w", len(keys), err)
	}
	out := make([][]byte, len(keys))
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := txBuckets(tx)
		if err != nil {
			return err
		}
		now := s.now().UnixNano()
		for i, k := range keys {
			if k == "" {
				continue // never stored
			}
			v, _, ok, err := b.load([]byte(k), now)
			if err != nil {
				return err
			}
			if ok {
				out[i] = append([]byte{}, v...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("getting %d keys: %w", len(keys), err)
	}
	return out, nil
}

// SetMany stores every value of kvs under its key with ttl in one
// transaction (one commit, one fsync).
func (s *Store) SetMany(ctx context.Context, kvs map[string][]byte, ttl time.Duration) error {
	if len(kvs) == 0 {
		return nil
	}
	var first string
	for k := range kvs {
		if k == "" {
			return fmt.Errorf("setting %d keys: empty key", len(kvs))
		}
		first = k
	}
	return s.update(ctx, fmt.Sprintf("setting %d keys, e.g.", len(kvs)), first, ttl, func(b buckets, now time.Time) error {
		exp := expiryFor(now, ttl)
		for k, v := range kvs {
			if err := b.put([]byte(k), v, exp); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetNX stores value under key with ttl only if key is missing or expired,
// and reports whether it did.
func (s *Store) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	var stored bool
	err := s.update(ctx, "setting if absent", key, ttl, func(b buckets, now time.Time) error {
		_, _, ok, err := b.load([]byte(key), now.UnixNano())
		if err != nil || ok {
			return err
		}
		stored = true
		return b.put([]byte(key), value, expiryFor(now, ttl))
	})
	if err != nil {
		return false, err
	}
	return stored, nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.update(ctx, "deleting", key, 0, func(b buckets, _ time.Time) error {
		return b.del([]byte(key))
	})
}

// IncrBy adds delta to the decimal integer stored at key and returns the
// result. A missing or expired key starts at 0 and gets ttl; an existing
// counter keeps its expiry. It fails, changing nothing, when the value is
// not a decimal int64 or the sum would overflow (as Redis INCRBY does).
func (s *Store) IncrBy(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	var result int64
	err := s.update(ctx, "incrementing counter", key, ttl, func(b buckets, now time.Time) error {
		v, expiry, ok, err := b.load([]byte(key), now.UnixNano())
		if err != nil {
			return err
		}
		var cur int64
		if ok {
			cur, err = strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("value is not an integer: %w", err)
			}
		} else {
			expiry = expiryFor(now, ttl)
		}
		if (delta > 0 && cur > math.MaxInt64-delta) || (delta < 0 && cur < math.MinInt64-delta) {
			return fmt.Errorf("%d%+d overflows int64", cur, delta)
		}
		result = cur + delta
		return b.put([]byte(key), strconv.AppendInt(nil, result, 10), expiry)
	})
	if err != nil {
		return 0, err
	}
	return result, nil
}

// AcquireLease takes key for owner for ttl, or extends it to now+ttl when
// owner already holds it. It reports false when another owner holds an
// unexpired lease. The stored value is the owner, so Get returns it.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("acquiring lease %s: ttl must be positive, got %v", key, ttl)
	}
	var acquired bool
	err := s.update(ctx, "acquiring lease", key, ttl, func(b buckets, now time.Time) error {
		v, _, ok, err := b.load([]byte(key), now.UnixNano())
		if err != nil {
			return err
		}
		if ok && string(v) != owner {
			return nil
		}
		acquired = true
		return b.put([]byte(key), []byte(owner), expiryFor(now, ttl))
	})
	if err != nil {
		return false, err
	}
	return acquired, nil
}

// ReleaseLease deletes key if owner holds an unexpired lease on it;
// otherwise it does nothing.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	return s.update(ctx, "releasing lease", key, 0, func(b buckets, now time.Time) error {
		v, _, ok, err := b.load([]byte(key), now.UnixNano())
		if err != nil || !ok || string(v) != owner {
			return err
		}
		return b.del([]byte(key))
	})
}

// update runs fn in a read-write transaction (fsynced unless NoSync)
// after validating ctx, key and ttl. fn gets the time of the transaction
// (taken once the write lock is held); an error from it rolls everything
// back and is returned wrapped as "<what> <key>: ...", and callers must
// then ignore whatever fn recorded in outer variables. Concurrent updates
// share transactions (see committer), so fn may run more than once: it
// must only record results, never act outside the transaction.
func (s *Store) update(ctx context.Context, what, key string, ttl time.Duration, fn func(b buckets, now time.Time) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", what, key, err)
	}
	if key == "" {
		return fmt.Errorf("%s: empty key", what)
	}
	if ttl < 0 {
		return fmt.Errorf("%s %s: negative ttl %v", what, key, ttl)
	}
	err := s.writes.do(func(tx *bolt.Tx) error {
		b, err := txBuckets(tx)
		if err != nil {
			return err
		}
		return fn(b, s.now())
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, key, err)
	}
	return nil
}

// Keys returns the live keys starting with prefix, sorted (bbolt keeps
// keys in byte order).
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("listing keys %s*: %w", prefix, err)
	}
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := txBuckets(tx)
		if err != nil {
			return err
		}
		now := s.now().UnixNano()
		p := []byte(prefix)
		c := b.kv.Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			_, _, ok, err := b.load(k, now)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, string(k))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing keys %s*: %w", prefix, err)
	}
	return out, nil
}
