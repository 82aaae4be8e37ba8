package notify

import (
	"errors"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 10 * time.Second}
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 60: 10 * time.Second} {
		if got := b.Delay(attempts); got != want {
			t.Errorf("Delay(%d) = %v, want %v", attempts, got, want)
		}
	}
	b.Jitter = 0.5
	for range 100 {
		if d := b.Delay(2); d < 2*time.Second || d > 3*time.Second {
			t.Fatalf("jittered Delay(2) = %v, want within [2s, 3s]", d)
		}
	}
}

func TestBucket(t *testing.T) {
	b := newBucket(RateLimit{PerSecond: 2, Burst: 3}, t0)
	got := 0
	for range 10 {
		if b.allow(t0) {
			got++
		}
	}
	if got != 3 {
		t.Fatalf("burst allowed %d, want 3", got)
	}
	if !b.allow(t0.Add(500*time.Millisecond)) || b.allow(t0.Add(500*time.Millisecond)) {
		t.Error("after 0.5s at 2/s want exactly one token")
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("boom")
	p := Permanent(base)
	if !errors.Is(p, ErrPermanent) || !errors.Is(p, base) || p.Error() != "boom" {
		t.Errorf("Permanent(boom) = %v", p)
	}
	if errors.Is(base, ErrPermanent) {
		t.Error("plain error is permanent")
	}
}
