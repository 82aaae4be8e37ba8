package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// State keys of the distributed directory.
const (
	keyUsers  = "auth:users"
	keyTokens = "auth:tokens"
	keyLock   = "auth:lock"
)

// StateDir returns the directory kept in the shared state (Redis in
// distributed mode): every API process and the CLI (`--config`) see the
// same users and tokens. Updates hold the lease auth:lock; readers cache
// for at most a second. now is the clock (nil: time.Now).
func StateDir(st state.Store, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{b: &stateBackend{st: st}, now: now}
}

type stateBackend struct {
	st state.Store

	mu      sync.Mutex
	checked time.Time
	cache   snapshot
}

func (b *stateBackend) read(ctx context.Context) (snapshot, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.checked.IsZero() && time.Since(b.checked) < recheck {
		return b.cache, nil
	}
	s, err := b.load(ctx)
	if err != nil {
		return snapshot{}, err
	}
	b.cache, b.checked = s, time.Now()
	return s, nil
}

func (b *stateBackend) load(ctx context.Context) (snapshot, error) {
	var s snapshot
	for key, v := range map[string]any{keyUsers: &s.Users, keyTokens: &s.Tokens} {
		data, err := b.st.Get(ctx, key)
		if errors.Is(err, state.ErrNotFound) {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("reading %s: %w", key, err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			return s, fmt.Errorf("decoding %s: %w", key, err)
		}
	}
	return s, nil
}

func (b *stateBackend) update(ctx context.Context, f func(*snapshot) error) error {
	owner := make([]byte, 8)
	_, _ = rand.Read(owner)
	o := hex.EncodeToString(owner)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := b.st.AcquireLease(ctx, keyLock, o, 10*time.Second)
		if err != nil {
			return fmt.Errorf("locking users: %w", err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("locking users: another process holds auth:lock")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	defer b.st.ReleaseLease(context.WithoutCancel(ctx), keyLock, o) //nolint:errcheck // the lease expires anyway
	s, err := b.load(ctx)
	if err != nil {
		return err
	}
	if err := f(&s); err != nil {
		return err
	}
	for key, v := range map[string]any{keyUsers: s.Users, keyTokens: s.Tokens} {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := b.st.Set(ctx, key, data, 0); err != nil {
			return fmt.Errorf("writing %s: %w", key, err)
		}
	}
	b.mu.Lock()
	b.cache, b.checked = s, time.Now()
	b.mu.Unlock()
	return nil
}
