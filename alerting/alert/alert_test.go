package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	a := Fingerprint("r", map[string]string{"x": "1", "y": "2"})
	tests := []struct {
		name string
		fp   string
		same bool
	}{
		{"same values, same order", Fingerprint("r", map[string]string{"y": "2", "x": "1"}), true},
		{"other rule", Fingerprint("r2", map[string]string{"x": "1", "y": "2"}), false},
		{"other value", Fingerprint("r", map[string]string{"x": "1", "y": "3"}), false},
		{"no ambiguity across fields", Fingerprint("r", map[string]string{"x": "1\x00y=2"}), false},
		{"no group values", Fingerprint("r", nil), false},
	}
	for _, tt := range tests {
		if got := tt.fp == a; got != tt.same {
			t.Errorf("%s: equal=%v, want %v", tt.name, got, tt.same)
		}
	}
	if len(a) != 32 {
		t.Errorf("fingerprint %q: want 32 hex chars", a)
	}
}

func TestAlertJSONFieldNames(t *testing.T) {
	raw, err := json.Marshal(newAlert("id", "fp", incoming("r", "c", t0, "d1"), 50))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "rule_id", "rule_version", "severity", "status", "fingerprint", "title", "summary",
		"doc_ids", "created_at", "acked_by", "acked_at", "resolved_at", "escalation_level",
		"count", "last_seen", "labels", "timeline"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, raw)
		}
	}
}

func TestRaiseGroupsWithinRealert(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		first, created := raise(t, r.a, incoming("fire", "c1", t0, "d1"))
		if !created || first.Count != 1 || first.Status != StatusFiring {
			t.Fatalf("first raise: created=%v %+v", created, first)
		}
		if first.Labels["cluster_id"] != "c1" || first.Labels["team"] != "duty" {
			t.Errorf("labels %v", first.Labels)
		}
		// From the other replica, 9 minutes later, with a repeated doc.
		second, created := raise(t, r.b, incoming("fire", "c1", t0.Add(9*time.Minute), "d1", "d2"))
		if created || second.ID != first.ID {
			t.Fatalf("second raise created=%v id %s, want update of %s", created, second.ID, first.ID)
		}
		if second.Count != 2 || !second.LastSeen.Equal(t0.Add(9*time.Minute)) || fmt.Sprint(second.DocIDs) != "[d1 d2]" {
			t.Errorf("after update: count %d last_seen %v docs %v", second.Count, second.LastSeen, second.DocIDs)
		}
		if got := actions(second); got != "created,updated" || second.Revision != 2 {
			t.Errorf("timeline %s revision %d", got, second.Revision)
		}
		// The window runs from last_seen: 9m+10m is still inside.
		third, created := raise(t, r.a, incoming("fire", "c1", t0.Add(19*time.Minute), "d3"))
		if created || third.ID != first.ID {
			t.Fatalf("third raise created=%v, want update", created)
		}
		// Another cluster is another incident.
		other, created := raise(t, r.a, incoming("fire", "c2", t0.Add(19*time.Minute)))
		if !created || other.ID == first.ID {
			t.Fatalf("other cluster: created=%v id %s", created, other.ID)
		}
		// After the window, a new alert with the same fingerprint.
		late, created := raise(t, r.b, incoming("fire", "c1", t0.Add(30*time.Minute)))
		if !created || late.ID == first.ID || late.Fingerprint != first.Fingerprint {
			t.Fatalf("after window: created=%v id %s fp %s", created, late.ID, late.Fingerprint)
		}
		old := must[Alert](t)(r.a.Get(context.Background(), first.ID))
		if old.Count != 3 {
			t.Errorf("old alert count %d, want 3", old.Count)
		}
	})
}

func TestRaiseCapsDocIDs(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		var docs []string
		for i := range 40 {
			docs = append(docs, fmt.Sprintf("d%02d", i))
		}
		raise(t, r.a, incoming("fire", "c", t0, docs...))
		var more []string
		for i := 40; i < 70; i++ {
			more = append(more, fmt.Sprintf("d%02d", i))
		}
		a, _ := raise(t, r.a, incoming("fire", "c", t0.Add(time.Second), more...))
		if len(a.DocIDs) != DefaultMaxDocIDs || a.DocIDs[49] != "d49" {
			t.Errorf("doc_ids: %d, last %s", len(a.DocIDs), a.DocIDs[len(a.DocIDs)-1])
		}
	})
}

func TestRaiseZeroRealertAlwaysCreates(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		in := incoming("any", "c", t0)
		in.Realert = 0
		a, _ := raise(t, r.a, in)
		b, created := raise(t, r.a, in)
		if !created || a.ID == b.ID {
			t.Errorf("realert 0: created=%v, ids %s %s", created, a.ID, b.ID)
		}
	})
}

func TestRaiseRejectsEmptyRule(t *testing.T) {
	s := New(nil, Options{})
	if _, _, err := s.Raise(context.Background(), Incoming{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("err %v, want ErrInvalid", err)
	}
}

// Two replicas with many goroutines each raise one fingerprint at once:
// one alert is created, and every match is counted exactly once.
func TestRaiseConcurrentOneAlertPerFingerprint(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		const perReplica = 8
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created int
			ids     = map[string]bool{}
		)
		for i := range 2 * perReplica {
			s := r.a
			if i%2 == 1 {
				s = r.b
			}
			wg.Go(func() {
				a, c, err := s.Raise(context.Background(), incoming("fire", "c1", t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("d%02d", i)))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[a.ID] = true
				if c {
					created++
				}
			})
		}
		wg.Wait()
		if created != 1 || len(ids) != 1 {
			t.Fatalf("created %d alerts, ids %v; want exactly one", created, ids)
		}
		all := must[[]Alert](t)(r.b.List(context.Background(), Filter{}))
		if len(all) != 1 {
			t.Fatalf("List: %d alerts", len(all))
		}
		a := all[0]
		if a.Count != 2*perReplica || len(a.DocIDs) != 2*perReplica || len(a.Timeline) != 2*perReplica || a.Revision != 2*perReplica {
			t.Errorf("count %d docs %d timeline %d revision %d, want %d each", a.Count, len(a.DocIDs), len(a.Timeline), a.Revision, 2*perReplica)
		}
		if !a.LastSeen.Equal(t0.Add((2*perReplica - 1) * time.Second)) {
			t.Errorf("last_seen %v", a.LastSeen)
		}
	})
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, r replicas) {
		a, _ := raise(t, r.a, incoming("fire", "c1", t0))
		r.clk.Advance(time.Minute)
		acked, err := r.b.Ack(ctx, a.ID, "duty-officer", "on it")
		if err != nil {
			t.Fatal(err)
		}
		if acked.Status != StatusAcknowledged || acked.AckedBy != "duty-officer" || !acked.AckedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("after ack: %+v", acked)
		}
		if _, err := r.a.Ack(ctx, a.ID, "other", ""); !errors.Is(err, ErrTransition) {
			t.Errorf("second ack: %v, want ErrTransition", err)
		}
		// Evidence keeps coming to an acknowledged alert.
		upd, created := raise(t, r.a, incoming("fire", "c1", t0.Add(2*time.Minute), "d9"))
		if created || upd.Status != StatusAcknowledged || upd.Count != 2 {
			t.Errorf("raise on acked: created=%v status %s count %d", created, upd.Status, upd.Count)
		}
		r.clk.Advance(time.Minute)
		res, err := r.a.Resolve(ctx, a.ID, "duty-officer", "fire out")
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusResolved || !res.ResolvedAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("after resolve: %+v", res)
		}
		for name, op := range map[string]func() error{
			"resolve resolved": func() error { _, err := r.b.Resolve(ctx, a.ID, "x", ""); return err },
			"ack resolved":     func() error { _, err := r.b.Ack(ctx, a.ID, "x", ""); return err },
		} {
			if err := op(); !errors.Is(err, ErrTransition) {
				t.Errorf("%s: %v, want ErrTransition", name, err)
			}
		}
		got := must[Alert](t)(r.b.Get(ctx, a.ID))
		if want := "created,acknowledged,updated,resolved"; actions(got) != want {
			t.Errorf("timeline %s, want %s", actions(got), want)
		}
		if got.Timeline[1].Comment != "on it" || got.Timeline[3].Actor != "duty-officer" {
			t.Errorf("timeline %+v", got.Timeline)
		}
		// New evidence after resolution opens a new alert.
		again, created := raise(t, r.a, incoming("fire", "c1", t0.Add(3*time.Minute)))
		if !created || again.ID == a.ID {
			t.Errorf("raise after resolve: created=%v id %s", created, again.ID)
		}
		for _, op := range []func() error{
			func() error { _, err := r.a.Get(ctx, "nope"); return err },
			func() error { _, err := r.a.Ack(ctx, "nope", "x", ""); return err },
			func() error { _, err := r.a.Resolve(ctx, "nope", "x", ""); return err },
		} {
			if err := op(); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing alert: %v, want ErrNotFound", err)
			}
		}
		if _, err := r.a.Ack(ctx, again.ID, "", ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("ack without actor: %v", err)
		}
	})
}

// Acks and raises racing on one alert from two replicas lose nothing.
func TestConcurrentAckAndRaiseLoseNoUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		a, _ := raise(t, r.a, incoming("fire", "c1", t0))
		var wg sync.WaitGroup
		for i := range 10 {
			s := []*Store{r.a, r.b}[i%2]
			wg.Go(func() {
				if _, _, err := s.Raise(context.Background(), incoming("fire", "c1", t0.Add(time.Second), fmt.Sprint("d", i))); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Go(func() {
			if _, err := r.b.Ack(context.Background(), a.ID, "officer", ""); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		got := must[Alert](t)(r.a.Get(context.Background(), a.ID))
		if got.Count != 11 || got.Status != StatusAcknowledged || len(got.Timeline) != 12 {
			t.Errorf("count %d status %s timeline %d", got.Count, got.Status, len(got.Timeline))
		}
	})
}

func TestResolveQuiet(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, r replicas) {
		quiet, _ := raise(t, r.a, incoming("fire", "quiet", t0))
		busy, _ := raise(t, r.a, incoming("fire", "busy", t0))
		done, _ := raise(t, r.a, incoming("fire", "done", t0))
		must[Alert](t)(r.a.Resolve(ctx, done.ID, "officer", ""))
		r.clk.Advance(15 * time.Minute)
		raise(t, r.b, incoming("fire", "busy", t0.Add(9*time.Minute)))
		got := must[[]Alert](t)(r.a.ResolveQuiet(ctx, 10*time.Minute))
		if len(got) != 1 || got[0].ID != quiet.ID || got[0].Status != StatusResolved {
			t.Fatalf("ResolveQuiet resolved %v, want only %s", got, quiet.ID)
		}
		if ev := got[0].Timeline[len(got[0].Timeline)-1]; ev.Actor != SystemActor || ev.Action != ActionResolved {
			t.Errorf("last event %+v", ev)
		}
		if b := must[Alert](t)(r.a.Get(ctx, busy.ID)); b.Status != StatusFiring {
			t.Errorf("busy alert %s", b.Status)
		}
		if again := must[[]Alert](t)(r.b.ResolveQuiet(ctx, 10*time.Minute)); len(again) != 0 {
			t.Errorf("second ResolveQuiet resolved %d", len(again))
		}
	})
}

func TestList(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, r replicas) {
		for i, sev := range []string{"P1", "P2", "P1"} {
			in := incoming(fmt.Sprint("rule", i%2), fmt.Sprint("c", i), t0.Add(time.Duration(i)*time.Minute))
			in.Severity = sev
			raise(t, r.a, in)
		}
		first := must[[]Alert](t)(r.a.List(ctx, Filter{}))
		must[Alert](t)(r.a.Ack(ctx, first[0].ID, "o", ""))
		tests := []struct {
			f    Filter
			want []string // cluster ids, newest first
		}{
			{Filter{}, []string{"c2", "c1", "c0"}},
			{Filter{Severity: "P1"}, []string{"c2", "c0"}},
			{Filter{RuleID: "rule1"}, []string{"c1"}},
			{Filter{Status: StatusFiring}, []string{"c1", "c0"}},
			{Filter{Status: StatusAcknowledged}, []string{"c2"}},
			{Filter{Since: t0.Add(time.Minute)}, []string{"c2", "c1"}},
		}
		for _, tt := range tests {
			got := must[[]Alert](t)(r.b.List(ctx, tt.f))
			var ids []string
			for _, a := range got {
				ids = append(ids, a.Labels["cluster_id"])
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
				t.Errorf("List(%+v) = %v, want %v", tt.f, ids, tt.want)
			}
		}
	})
}

func TestSilences(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, r replicas) {
		sil, err := r.a.AddSilence(ctx, Silence{
			Matchers: map[string]string{"rule_id": "fire", "team": "duty"},
			End:      t0.Add(time.Hour), CreatedBy: "officer", Comment: "drill",
		})
		if err != nil {
			t.Fatal(err)
		}
		if sil.ID == "" || !sil.Start.Equal(t0) {
			t.Errorf("silence %+v", sil)
		}
		long := func(at time.Time) Incoming {
			in := incoming("fire", "c1", at)
			in.Realert = 2 * time.Hour
			return in
		}
		muted, _ := raise(t, r.b, long(t0.Add(time.Minute)))
		if muted.Status != StatusSilenced || muted.SilencedBy != sil.ID || actions(muted) != "created,silenced" {
			t.Errorf("matching alert: status %s by %q timeline %s", muted.Status, muted.SilencedBy, actions(muted))
		}
		other, _ := raise(t, r.b, incoming("flood", "c1", t0.Add(time.Minute)))
		if other.Status != StatusFiring {
			t.Errorf("non-matching alert status %s", other.Status)
		}
		// After the silence ends, new evidence makes the alert fire again.
		later, _ := raise(t, r.a, long(t0.Add(65*time.Minute)))
		if later.ID != muted.ID || later.Status != StatusFiring || actions(later) != "created,silenced,updated,unsilenced" {
			t.Errorf("after the silence: id %s status %s timeline %s", later.ID, later.Status, actions(later))
		}
		list := must[[]Silence](t)(r.b.ListSilences(ctx))
		if len(list) != 1 || list[0].ID != sil.ID || list[0].Comment != "drill" {
			t.Errorf("ListSilences %+v", list)
		}
		if err := r.b.DeleteSilence(ctx, sil.ID); err != nil {
			t.Fatal(err)
		}
		if err := r.b.DeleteSilence(ctx, sil.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		if list := must[[]Silence](t)(r.a.ListSilences(ctx)); len(list) != 0 {
			t.Errorf("after delete: %v", list)
		}
	})
}

func TestAddSilenceValidates(t *testing.T) {
	eachBackend(t, func(t *testing.T, r replicas) {
		ok := Silence{Matchers: map[string]string{"severity": "P4"}, End: t0.Add(time.Hour), CreatedBy: "o"}
		bad := map[string]func(s *Silence){
			"no matchers":      func(s *Silence) { s.Matchers = nil },
			"no creator":       func(s *Silence) { s.CreatedBy = "" },
			"end before start": func(s *Silence) { s.Start = t0.Add(2 * time.Hour) },
			"already over":     func(s *Silence) { s.Start, s.End = t0.Add(-2*time.Hour), t0.Add(-time.Hour) },
		}
		names := make([]string, 0, len(bad))
		for n := range bad {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := ok
			bad[n](&s)
			if _, err := r.a.AddSilence(context.Background(), s); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", n, err)
			}
		}
	})
}

func TestTimelineCapKeepsLifecycle(t *testing.T) {
	a := newAlert("id", "fp", incoming("r", "c", t0), 50)
	a.appendEvent(Event{Action: ActionAcknowledged}, 5)
	for range 10 {
		a.appendEvent(Event{Action: ActionUpdated}, 5)
	}
	if got := actions(a); got != "created,acknowledged,updated,updated,updated" {
		t.Errorf("timeline %s", got)
	}
	if a.Revision != 12 {
		t.Errorf("revision %d", a.Revision)
	}
}
