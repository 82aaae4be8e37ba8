package state

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Get when the key does not exist or expired.
var ErrNotFound = errors.New("state: key not found")

// Store is the state that pipeline replicas share: dedup fingerprints,
// counters with a time to live, leases and collector cursors. Redis backs it
// in distributed mode, a local file in embedded mode; both pass the contract
// suite in state/statetest. Keys are opaque strings; implementations may
// prefix them. A ttl of 0 means no expiry. All methods are safe for
// concurrent use; after Close they return an error.
type Store interface {
	// Get returns the value of key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key, replacing any value and its ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX stores value under key only if key is absent (or expired) and
	// reports whether it did. It is the primitive behind dedup fingerprints.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Keys returns the live keys starting with prefix, sorted. It is meant
	// for small key spaces (saved searches, rules), not for scanning
	// dedup fingerprints: it reads every matching key.
	Keys(ctx context.Context, prefix string) ([]string, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// IncrBy adds delta to the integer counter at key and returns the new
	// value. A counter that did not exist starts at 0 and gets ttl; an
	// existing counter keeps its expiry.
	IncrBy(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error)
	// AcquireLease takes the lease key for owner, or extends it when owner
	// already holds it, for ttl (> 0). It reports false when another owner
	// holds an unexpired lease.
	AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	// ReleaseLease gives up the lease if owner holds it; otherwise it does
	// nothing.
	ReleaseLease(ctx context.Context, key, owner string) error
	// Close releases the store's resources.
	Close() error
}

// SetManyer is a Store that can set several keys at once (one transaction
// locally, one pipeline on Redis); callers fall back to Set for stores
// without it (see SetMany).
type SetManyer interface {
	// SetMany stores every value of kvs under its key with ttl, as Set
	// would; on error some of them may have been stored.
	SetMany(ctx context.Context, kvs map[string][]byte, ttl time.Duration) error
}

// SetMany stores kvs in st: at once when st is a SetManyer, else key by
// key.
func SetMany(ctx context.Context, st Store, kvs map[string][]byte, ttl time.Duration) error {
	if m, ok := st.(SetManyer); ok {
		return m.SetMany(ctx, kvs, ttl)
	}
	for k, v := range kvs {
		if err := st.Set(ctx, k, v, ttl); err != nil {
			return err
		}
	}
	return nil
}

// GetManyer is a Store that can read several keys at once (one read
// transaction locally, one MGET on Redis); callers fall back to Get for
// stores without it (see GetMany).
type GetManyer interface {
	// GetMany returns the values of keys in their order: nil for a key
	// that is missing or expired, a non-nil slice (empty for an empty
	// value) otherwise.
	GetMany(ctx context.Context, keys []string) ([][]byte, error)
}

// GetMany reads keys from st: at once when st is a GetManyer, else key by
// key. See GetManyer for the result.
func GetMany(ctx context.Context, st Store, keys []string) ([][]byte, error) {
	if m, ok := st.(GetManyer); ok {
		return m.GetMany(ctx, keys)
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := st.Get(ctx, k)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return nil, err
		case v == nil:
			out[i] = []byte{}
		default:
			out[i] = v
		}
	}
	return out, nil
}
