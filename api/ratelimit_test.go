package api

import (
	"testing"
	"time"
)

func TestCallerLimitsRefillAtTheRate(t *testing.T) {
	l := newCallerLimits(60) // 1 a second, burst 6
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	for i := range 6 {
		if ok, _ := l.allow("alice", t0); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.allow("alice", t0)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("7th request: ok %v wait %v", ok, wait)
	}
	if ok, _ := l.allow("bob", t0); !ok {
		t.Error("bob refused for alice's requests")
	}
	if ok, _ := l.allow("alice", t0.Add(time.Second)); !ok {
		t.Error("not refilled after a second")
	}
	if ok, _ := newCallerLimits(0).allow("x", t0); !ok {
		t.Error("0 means no limit")
	}
}
