package alert

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/internal/teststate"
	"github.com/yuqing-dev/yuqing/state"
)

// eachRetentionBackend runs fn on a Store with a 30-day retention over
// localstate and over a private redis-server, on a test clock.
func eachRetentionBackend(t *testing.T, fn func(t *testing.T, s *Store, st state.Store, clk *testclock.Clock)) {
	opts := func(clk *testclock.Clock) Options {
		return Options{Now: clk.Now, Retention: 30 * 24 * time.Hour, FingerprintTTL: time.Hour}
	}
	t.Run("local", func(t *testing.T) {
		clk := testclock.New(t0)
		st := teststate.Local(t, clk.Now)
		fn(t, New(st, opts(clk)), st, clk)
	})
	t.Run("redis", func(t *testing.T) {
		clk := testclock.New(t0)
		st := teststate.Redis(t)()
		fn(t, New(st, opts(clk)), st, clk)
	})
}

// An old resolved alert is deleted for real, its evidence and timeline
// with it; a recently resolved one and an old open one stay.
func TestExpireDeletesOldResolvedAlerts(t *testing.T) {
	eachRetentionBackend(t, func(t *testing.T, s *Store, st state.Store, clk *testclock.Clock) {
		ctx := context.Background()
		old, _ := raise(t, s, incoming("fire", "c-old", clk.Now(), "d1", "d2"))
		open, _ := raise(t, s, incoming("fire", "c-open", clk.Now(), "d3"))
		must[Alert](t)(s.Resolve(ctx, old.ID, "duty", "已处置"))
		clk.Advance(20 * 24 * time.Hour)
		recent, _ := raise(t, s, incoming("fire", "c-recent", clk.Now(), "d4"))
		must[Alert](t)(s.Resolve(ctx, recent.ID, "duty", ""))
		clk.Advance(11 * 24 * time.Hour) // old resolved 31 days ago, recent 11

		n, err := s.Expire(ctx)
		if err != nil || n != 1 {
			t.Fatalf("Expire: %d, %v; want 1 deleted", n, err)
		}
		if _, err := s.Get(ctx, old.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("old resolved alert still there: %v", err)
		}
		if _, err := st.Get(ctx, keyAlert+old.ID); !errors.Is(err, state.ErrNotFound) {
			t.Errorf("old alert's key still in the state: %v", err)
		}
		for _, id := range []string{open.ID, recent.ID} {
			if _, err := s.Get(ctx, id); err != nil {
				t.Errorf("alert %s gone: %v", id, err)
			}
		}
		list := must[[]Alert](t)(s.List(ctx, Filter{}))
		if len(list) != 2 {
			t.Errorf("List after Expire: %d alerts, want 2", len(list))
		}
		if n, err := s.Expire(ctx); n != 0 || err != nil {
			t.Errorf("second Expire: %d, %v", n, err)
		}

		// New evidence on the expired incident opens a new alert and
		// never brings the deleted one back.
		again, created := raise(t, s, incoming("fire", "c-old", clk.Now(), "d9"))
		if !created || again.ID == old.ID || again.Count != 1 || len(again.DocIDs) != 1 {
			t.Errorf("after expiry: created %v, %+v", created, again)
		}
	})
}

// A generation whose fingerprint key expired (FingerprintTTL) is never
// reused over an alert that is still kept: the new incident takes the
// next generation and the resolved alert's history stays intact.
func TestExpiredFingerprintDoesNotOverwriteKeptAlert(t *testing.T) {
	clk := testclock.New(t0)
	st := teststate.Local(t, clk.Now)
	s := New(st, Options{Now: clk.Now, FingerprintTTL: time.Hour})
	ctx := context.Background()
	first, _ := raise(t, s, incoming("fire", "c1", clk.Now(), "d1"))
	must[Alert](t)(s.Resolve(ctx, first.ID, "duty", "处置完毕"))
	clk.Advance(48 * time.Hour) // fingerprint keys gone, alert kept
	second, created := raise(t, s, incoming("fire", "c1", clk.Now(), "d2"))
	if !created || second.ID == first.ID {
		t.Fatalf("second incident: created %v id %s (first %s)", created, second.ID, first.ID)
	}
	kept := must[Alert](t)(s.Get(ctx, first.ID))
	if kept.Status != StatusResolved || kept.DocIDs[0] != "d1" {
		t.Errorf("first alert overwritten: %+v", kept)
	}
}

// Retention < 0 keeps alerts for ever.
func TestExpireOff(t *testing.T) {
	clk := testclock.New(t0)
	s := New(teststate.Local(t, clk.Now), Options{Now: clk.Now, Retention: -1})
	a, _ := raise(t, s, incoming("fire", "c1", clk.Now()))
	must[Alert](t)(s.Resolve(context.Background(), a.ID, "duty", ""))
	clk.Advance(10 * 365 * 24 * time.Hour)
	if n, err := s.Expire(context.Background()); n != 0 || err != nil {
		t.Fatalf("Expire with retention off: %d, %v", n, err)
	}
}
