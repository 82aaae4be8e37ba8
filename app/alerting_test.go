package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/configs"
)

func TestEscalationLevel(t *testing.T) {
	pol := configs.EscalationPolicy{Steps: []configs.EscalationStep{{After: 5 * time.Minute}, {After: 15 * time.Minute}},
		Repeat: 2, RepeatEvery: 10 * time.Minute}
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for age, want := range map[time.Duration]int{0: 0, 4 * time.Minute: 0, 5 * time.Minute: 1, 14 * time.Minute: 1,
		15 * time.Minute: 2, 24 * time.Minute: 2, 25 * time.Minute: 3, 35 * time.Minute: 4, 3 * time.Hour: 4} {
		if got := escalationLevel(pol, t0, t0.Add(age)); got != want {
			t.Errorf("at %v: level %d, want %d", age, got, want)
		}
	}
}

// Resolved alerts older than alerts_retention are deleted for real; open
// ones stay.
func TestResolvedAlertsExpire(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("id: flood\nname: 内涝\nseverity: P3\ntype: any\nmatch: '内涝'\ngroup_by: [source]\ngroup_wait: 0s\n"), 0o644)
	cfg := embeddedConfig(t)
	cfg.RulesDir = dir
	cfg.AlertsRetention = "2s"
	cfg.EscalationInterval = 100 * time.Millisecond
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"x1","source":"weibo","text":"城区多处内涝"}
{"id":"x2","source":"douyin","text":"地下车库内涝"}`))
	var ids []string
	waitUntil(t, "two alerts", func() bool {
		_, m := s.do("GET", "/api/v1/alerts", "", nil)
		ids = nil
		for _, a := range m["alerts"].([]any) {
			ids = append(ids, a.(map[string]any)["id"].(string))
		}
		return len(ids) == 2
	})
	if code, m := s.do("POST", "/api/v1/alerts/"+ids[0]+"/resolve", "", []byte(`{"by":"duty","comment":"已处置"}`)); code != 200 {
		t.Fatalf("resolve: %d %v", code, m)
	}
	waitUntil(t, "the resolved alert deleted", func() bool {
		code, _ := s.do("GET", "/api/v1/alerts/"+ids[0], "", nil)
		return code == 404
	})
	if code, _ := s.do("GET", "/api/v1/alerts/"+ids[1], "", nil); code != 200 {
		t.Errorf("the open alert is gone: %d", code)
	}
}

func TestRaiseBatchMergesOneIncident(t *testing.T) {
	fire := rule.Rule{ID: "fire"}
	now := time.Now()
	in := func(doc, cluster string, realert time.Duration, at time.Time) alert.Incoming {
		return alert.Incoming{RuleID: "fire", GroupValues: map[string]string{"cluster_id": cluster},
			DocIDs: []string{doc}, Realert: realert, At: at}
	}
	var b raiseBatch
	b.add(fire, in("d1", "c1", time.Hour, now))
	b.add(fire, in("d2", "c2", time.Hour, now))
	b.add(fire, in("d3", "c1", time.Hour, now.Add(time.Second)))
	b.add(fire, in("d4", "c1", time.Hour, now))
	b.add(fire, in("d5", "c1", 0, now)) // realert 0: its own alert
	if len(b.order) != 3 {
		t.Fatalf("%d raises, want 3: %+v", len(b.order), b.order)
	}
	c1 := b.order[0].in
	if c1.Matches != 3 || len(c1.DocIDs) != 3 || !c1.At.Equal(now.Add(time.Second)) {
		t.Errorf("merged c1: %+v", c1)
	}
	if b.order[1].in.Matches != 1 || b.order[2].in.DocIDs[0] != "d5" {
		t.Errorf("others: %+v", b.order[1:])
	}
}

func TestForEach(t *testing.T) {
	ctx := context.Background()
	t.Run("every index once", func(t *testing.T) {
		var calls [100]atomic.Int32
		if err := forEach(ctx, len(calls), 8, func(_ context.Context, i int) error {
			calls[i].Add(1)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i := range calls {
			if n := calls[i].Load(); n != 1 {
				t.Errorf("index %d called %d times", i, n)
			}
		}
		if err := forEach(ctx, 0, 8, func(context.Context, int) error { return errors.New("called") }); err != nil {
			t.Errorf("no work: %v", err)
		}
	})
	t.Run("first error stops the rest", func(t *testing.T) {
		boom := errors.New("boom")
		var made atomic.Int32
		err := forEach(ctx, 1000, 4, func(ctx context.Context, i int) error {
			made.Add(1)
			if i == 10 {
				return boom
			}
			<-time.After(time.Millisecond)
			return ctx.Err()
		})
		if !errors.Is(err, boom) {
			t.Errorf("err = %v, want boom", err)
		}
		if n := made.Load(); n >= 1000 {
			t.Errorf("all %d calls made after an error", n)
		}
	})
	t.Run("a cancelled ctx is an error, not a finished batch", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		var made atomic.Int32
		err := forEach(cctx, 10, 4, func(context.Context, int) error { made.Add(1); return nil })
		if !errors.Is(err, context.Canceled) || made.Load() != 0 {
			t.Errorf("err = %v after %d calls, want context.Canceled and none", err, made.Load())
		}
	})
}
