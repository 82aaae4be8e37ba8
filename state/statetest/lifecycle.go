package statetest

import (
	"context"
	"errors"
	"testing"

	"github.com/yuqing-dev/yuqing/state"
)

// calls invokes every Store method except Close with ctx and returns their
// errors by method name.
func calls(ctx context.Context, s state.Store, k string) map[string]error {
	errs := make(map[string]error)
	_, errs["Get"] = s.Get(ctx, k)
	errs["Set"] = s.Set(ctx, k, []byte("v"), 0)
	_, errs["SetNX"] = s.SetNX(ctx, k, []byte("v"), 0)
	errs["Delete"] = s.Delete(ctx, k)
	_, errs["IncrBy"] = s.IncrBy(ctx, k+"/counter", 1, 0)
	_, errs["AcquireLease"] = s.AcquireLease(ctx, k+"/lease", "a", LongTTL)
	errs["ReleaseLease"] = s.ReleaseLease(ctx, k+"/lease", "a")
	return errs
}

func testCanceledContext(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k := key(t, "k")
	for method, err := range calls(ctx, s, k) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: got %v, want an error wrapping context.Canceled", method, err)
		}
	}
	// Nothing was written.
	wantNotFound(t, s, k)
	wantNotFound(t, s, k+"/counter")
	wantNotFound(t, s, k+"/lease")
}

func testAfterClose(t *testing.T, newStore NewStore) {
	s := open(t, newStore)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for method, err := range calls(context.Background(), s, key(t, "k")) {
		switch {
		case err == nil:
			t.Errorf("%s after Close succeeded, want an error", method)
		case errors.Is(err, state.ErrNotFound):
			t.Errorf("%s after Close: got ErrNotFound, want an error saying the store is closed", method)
		}
	}
}
