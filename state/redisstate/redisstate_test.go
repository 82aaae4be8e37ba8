package redisstate

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/statetest"
)

func newStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	addr := testredis.Start(t)
	statetest.Run(t, func(t *testing.T) state.Store {
		return newStore(t, Config{Addr: addr, KeyPrefix: "contract:"})
	})
}

func TestNewFailsOnClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := New(Config{Addr: addr})
	if err == nil {
		s.Close()
		t.Fatalf("New(%s) succeeded against a closed port", addr)
	}
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("New error %q does not name the address %s", err, addr)
	}
	if took := time.Since(start); took > pingTimeout+time.Second {
		t.Errorf("New took %v to fail", took)
	}
}

func TestNewRequiresAddr(t *testing.T) {
	if s, err := New(Config{}); err == nil {
		s.Close()
		t.Fatal("New without Addr succeeded")
	}
}

func TestKeyPrefixIsolatesStores(t *testing.T) {
	addr := testredis.Start(t)
	ctx := context.Background()
	a := newStore(t, Config{Addr: addr, KeyPrefix: "a:"})
	defer a.Close()
	b := newStore(t, Config{Addr: addr, KeyPrefix: "b:"})
	defer b.Close()
	def := newStore(t, Config{Addr: addr})
	defer def.Close()

	if err := a.Set(ctx, "k", []byte("from a"), 0); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Get(ctx, "k"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("store b sees store a's key: %q, %v", v, err)
	}
	if ok, err := b.SetNX(ctx, "k", []byte("from b"), 0); err != nil || !ok {
		t.Fatalf("SetNX in b = %v, %v; want true", ok, err)
	}
	if ok, err := a.AcquireLease(ctx, "lease", "x", time.Minute); err != nil || !ok {
		t.Fatalf("AcquireLease in a = %v, %v", ok, err)
	}
	if ok, err := b.AcquireLease(ctx, "lease", "y", time.Minute); err != nil || !ok {
		t.Fatalf("AcquireLease in b = %v, %v; want true (different prefix)", ok, err)
	}
	if err := def.Set(ctx, "k", []byte("default"), 0); err != nil {
		t.Fatal(err)
	}

	raw := redis.NewClient(&redis.Options{Addr: addr})
	defer raw.Close()
	want := map[string]string{
		"a:k":                  "from a",
		"b:k":                  "from b",
		"a:lease":              "x",
		"b:lease":              "y",
		DefaultKeyPrefix + "k": "default",
	}
	for k, v := range want {
		if got, err := raw.Get(ctx, k).Result(); err != nil || got != v {
			t.Errorf("raw GET %s = %q, %v; want %q", k, got, err, v)
		}
	}
	if n, err := raw.DBSize(ctx).Result(); err != nil || n != int64(len(want)) {
		t.Errorf("DBSIZE = %d, %v; want %d (keys written outside their prefix?)", n, err, len(want))
	}
}

func TestSubMillisecondTTLStillExpires(t *testing.T) {
	addr := testredis.Start(t)
	ctx := context.Background()
	s := newStore(t, Config{Addr: addr})
	defer s.Close()
	if err := s.Set(ctx, "k", []byte("v"), time.Microsecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := s.Get(ctx, "k")
		if errors.Is(err, state.ErrNotFound) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("key set with a 1µs ttl did not expire")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
