package redisstate

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yuqing-dev/yuqing/state"
)

var (
	_ state.Store     = (*Store)(nil)
	_ state.SetManyer = (*Store)(nil)
	_ state.GetManyer = (*Store)(nil)
)

const (
	// DefaultKeyPrefix is the prefix of every key when Config.KeyPrefix is
	// empty.
	DefaultKeyPrefix = "yuqing:"
	// pingTimeout bounds the connectivity check in New.
	pingTimeout = 5 * time.Second
)

// acquireLeaseSrc takes KEYS[1] for owner ARGV[1] for ARGV[2] ms when it is
// free or already owned by ARGV[1]. Returns 1 if taken, 0 if held by another.
const acquireLeaseSrc = `
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	return 1
end
return 0`

// releaseLeaseSrc deletes KEYS[1] only if its value is owner ARGV[1].
// Returns the number of keys deleted.
const releaseLeaseSrc = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0`

// Config says how to reach Redis.
type Config struct {
	// Addr is host:port of the Redis server. Required.
	Addr string
	// Username and Password authenticate with Redis ACLs (Username empty:
	// the default user, or legacy requirepass).
	Username string
	Password string
	// DB is the logical database number.
	DB int
	// KeyPrefix is prepended to every key. Default DefaultKeyPrefix; it
	// cannot be empty.
	KeyPrefix string
	// TLS, when non-nil, enables TLS with this configuration.
	TLS *tls.Config
	// Logger receives connection diagnostics. Default slog.Default().
	Logger *slog.Logger
}

// Store is a state.Store backed by Redis. It is safe for concurrent use.
type Store struct {
	client  *redis.Client
	addr    string
	prefix  string
	log     *slog.Logger
	acquire *redis.Script
	release *redis.Script

	closeOnce sync.Once
	closeErr  error
}

// New connects to Redis and checks with PING that it answers; if not, it
// returns an error naming cfg.Addr. The Store owns the connection pool until
// Close.
func New(cfg Config) (*Store, error) {
	if cfg.Addr == "" {
		return nil, errors.New("connecting to redis: Config.Addr is empty")
	}
	s := &Store{
		addr:    cfg.Addr,
		prefix:  cfg.KeyPrefix,
		log:     cfg.Logger,
		acquire: redis.NewScript(acquireLeaseSrc),
		release: redis.NewScript(releaseLeaseSrc),
	}
	if s.prefix == "" {
		s.prefix = DefaultKeyPrefix
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "redisstate", "addr", cfg.Addr, "db", cfg.DB)
	s.client = redis.NewClient(&redis.Options{
		Addr:      cfg.Addr,
		Username:  cfg.Username,
		Password:  cfg.Password,
		DB:        cfg.DB,
		TLSConfig: cfg.TLS,
	})
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if err := s.client.Ping(ctx).Err(); err != nil {
		_ = s.client.Close()
		return nil, fmt.Errorf("connecting to redis at %s (db %d): %w", cfg.Addr, cfg.DB, err)
	}
	s.log.Debug("connected to redis", "prefix", s.prefix)
	return s, nil
}

// Close closes the connection pool; every other method fails afterwards.
// Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.client.Close(); err != nil {
			s.closeErr = fmt.Errorf("closing redis client for %s: %w", s.addr, err)
		}
	})
	return s.closeErr
}

// Get returns the value of key, or state.ErrNotFound (unwrapped) when it is
// missing or expired.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("getting %s: %w", key, err)
	}
	v, err := s.client.Get(ctx, s.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, state.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("getting %s: %w", key, err)
	}
	return v, nil
}

// Keys returns the live keys starting with prefix, sorted, with SCAN (it
// does not block the server like KEYS would).
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("listing keys %s*: %w", prefix, err)
	}
	pattern := s.prefix + escapeGlob(prefix) + "*"
	seen := map[string]bool{}
	iter := s.client.Scan(ctx, 0, pattern, 500).Iterator()
	for iter.Next(ctx) {
		seen[strings.TrimPrefix(iter.Val(), s.prefix)] = true
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("listing keys %s*: %w", prefix, err)
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// escapeGlob escapes Redis glob metacharacters.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Set stores value under key with ttl (0 = no expiry), replacing any value
// and its expiry. A negative ttl is an error.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := check(ctx, ttl, false); err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	if err := s.client.Set(ctx, s.prefix+key, value, roundTTL(ttl)).Err(); err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// GetMany returns the values of keys with one MGET (one round trip): nil
// for a missing or expired key.
func (s *Store) GetMany(ctx context.Context, keys []string) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("getting %d keys: %w", len(keys), err)
	}
	out := make([][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.prefix + k
	}
	vs, err := s.client.MGet(ctx, full...).Result()
	if err != nil {
		return nil, fmt.Errorf("getting %d keys: %w", len(keys), err)
	}
	for i, v := range vs {
		if str, ok := v.(string); ok {
			out[i] = append([]byte{}, str...)
		}
	}
	return out, nil
}

// SetMany stores every value of kvs under its key with ttl in one
// pipeline (one round trip).
func (s *Store) SetMany(ctx context.Context, kvs map[string][]byte, ttl time.Duration) error {
	if err := check(ctx, ttl, false); err != nil {
		return fmt.Errorf("setting %d keys: %w", len(kvs), err)
	}
	if len(kvs) == 0 {
		return nil
	}
	pipe := s.client.Pipeline()
	for k, v := range kvs {
		pipe.Set(ctx, s.prefix+k, v, roundTTL(ttl))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("setting %d keys: %w", len(kvs), err)
	}
	return nil
}

// SetNX stores value under key with ttl only if key is absent (SET NX PX)
// and reports whether it did.
func (s *Store) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := check(ctx, ttl, false); err != nil {
		return false, fmt.Errorf("setting %s if absent: %w", key, err)
	}
	ok, err := s.client.SetNX(ctx, s.prefix+key, value, roundTTL(ttl)).Result()
	if err != nil {
		return false, fmt.Errorf("setting %s if absent: %w", key, err)
	}
	return ok, nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := check(ctx, 0, false); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	if err := s.client.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	return nil
}

// IncrBy adds delta to the counter at key and returns the result. In one
// MULTI/EXEC it runs SET key 0 NX PX ttl (so only a counter that did not
// exist gets the ttl) and INCRBY, which keeps an existing key's expiry. It
// fails, changing nothing, when the value is not an integer or the sum
// would overflow int64.
func (s *Store) IncrBy(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := check(ctx, ttl, false); err != nil {
		return 0, fmt.Errorf("incrementing counter %s: %w", key, err)
	}
	k := s.prefix + key
	var incr *redis.IntCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if ttl > 0 {
			p.SetNX(ctx, k, 0, roundTTL(ttl))
		}
		incr = p.IncrBy(ctx, k, delta)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("incrementing counter %s: %w", key, err)
	}
	return incr.Val(), nil
}

// AcquireLease takes key for owner for ttl (> 0), or extends it to ttl from
// now when owner already holds it. It reports false when another owner
// holds an unexpired lease. The key's value is the owner.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := check(ctx, ttl, true); err != nil {
		return false, fmt.Errorf("acquiring lease %s for %s: %w", key, owner, err)
	}
	n, err := s.acquire.Run(ctx, s.client, []string{s.prefix + key}, owner, roundTTL(ttl).Milliseconds()).Int64()
	if err != nil {
		return false, fmt.Errorf("acquiring lease %s for %s: %w", key, owner, err)
	}
	return n == 1, nil
}

// ReleaseLease deletes key if owner holds it; otherwise it does nothing.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := check(ctx, 0, false); err != nil {
		return fmt.Errorf("releasing lease %s for %s: %w", key, owner, err)
	}
	if err := s.release.Run(ctx, s.client, []string{s.prefix + key}, owner).Err(); err != nil {
		return fmt.Errorf("releasing lease %s for %s: %w", key, owner, err)
	}
	return nil
}

// check rejects a done ctx before any network traffic, and a negative ttl
// (or a non-positive one when positive is set), which go-redis would
// otherwise read as its KEEPTTL sentinel.
func check(ctx context.Context, ttl time.Duration, positive bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ttl < 0 || (positive && ttl == 0) {
		return fmt.Errorf("invalid ttl %v", ttl)
	}
	return nil
}

// roundTTL rounds a positive ttl up to whole milliseconds, the resolution of
// PX, so a sub-millisecond ttl still expires instead of being rejected.
func roundTTL(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	if ttl > math.MaxInt64-time.Millisecond {
		return ttl.Truncate(time.Millisecond)
	}
	return (ttl + time.Millisecond - 1).Truncate(time.Millisecond)
}
