package alert

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestEscalate(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		ctx := context.Background()
		a, _, err := r.a.Raise(ctx, incoming("r", "c1", t0))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		raised := 0
		for i := range 4 { // replicas racing to escalate
			s := r.a
			if i%2 == 1 {
				s = r.b
			}
			wg.Go(func() {
				_, ok, err := s.Escalate(ctx, a.ID, 1, "lead")
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					raised++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if raised != 1 {
			t.Fatalf("escalated %d times, want once", raised)
		}
		s := r.a
		got, _ := s.Get(ctx, a.ID)
		if got.EscalationLevel != 1 || got.Timeline[len(got.Timeline)-1].Action != ActionEscalated {
			t.Fatalf("alert %+v", got)
		}
		if _, err := s.Ack(ctx, a.ID, "duty", ""); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Escalate(ctx, a.ID, 2, "director"); ok || err != nil {
			t.Fatalf("escalated an acknowledged alert: %v %v", ok, err)
		}
		if _, _, err := s.Escalate(ctx, "missing", 1, "x"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing alert: %v", err)
		}
	})
}
