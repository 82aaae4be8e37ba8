package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadPacerHandsOutWholeBatchesAtTheRate(t *testing.T) {
	tests := []struct {
		name  string
		rate  int64
		batch int
		ticks []time.Duration // elapsed at each call, increasing
		want  int             // batches handed out in total
	}{
		{"one second in one call", 2000, 100, []time.Duration{time.Second}, 20},
		{"one second in irregular ticks", 2000, 100, []time.Duration{3 * time.Millisecond, 90 * time.Millisecond,
			91 * time.Millisecond, 400 * time.Millisecond, 999 * time.Millisecond, time.Second}, 20},
		{"partial batch is held back", 150, 100, []time.Duration{time.Second}, 1},
		{"held-back posts go later", 150, 100, []time.Duration{time.Second, 2 * time.Second}, 3},
		{"slow rate", 10, 100, []time.Duration{5 * time.Second, 10 * time.Second, 11 * time.Second}, 1},
		{"nothing before time starts", 1000, 10, []time.Duration{0}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &pacer{rate: tc.rate, batch: tc.batch}
			got := 0
			for _, e := range tc.ticks {
				got += p.Due(e)
			}
			if got != tc.want {
				t.Errorf("handed out %d batches, want %d", got, tc.want)
			}
		})
	}
}

func TestLoadPacerNeverDriftsOverManyTicks(t *testing.T) {
	p := &pacer{rate: 1500, batch: 100}
	got := 0
	for ms := 0; ms <= 60_000; ms += 7 {
		got += p.Due(time.Duration(ms) * time.Millisecond)
	}
	// The last tick is at 59.997 s: 89995 posts due, 899 whole batches.
	if got != 899 {
		t.Errorf("handed out %d batches in ~61 s, want 899", got)
	}
}

func TestLoadPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	p := percentiles(ds, 3)
	if p.N != 100 || p.Missing != 3 || p.P50 != 50 || p.P90 != 90 || p.P99 != 99 || p.Max != 100 {
		t.Errorf("got %+v", p)
	}
	if p := percentiles(nil, 2); p.N != 0 || p.Missing != 2 || p.String() != "n/a" {
		t.Errorf("empty: %+v", p)
	}
}

func TestLoadSteadyRateUsesTheWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var s sample
	for i := range 11 {
		s.at = append(s.at, t0.Add(time.Duration(i)*time.Second))
		s.n = append(s.n, i*i*100) // accelerating
	}
	// between t=2 s (400) and t=8 s (6400): 1000/s
	if got := s.steady(t0.Add(2*time.Second), t0.Add(8*time.Second)); got != 1000 {
		t.Errorf("steady rate %v, want 1000", got)
	}
	if got := (sample{}).steady(t0, t0.Add(time.Second)); got != 0 {
		t.Errorf("no samples: %v", got)
	}
}

// TestLoadEmbedded runs a tiny load against an embedded server and checks
// that throughput and both kinds of latency were measured.
func TestLoadEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an embedded server for a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	hook := NewAlertHook()
	defer hook.Close()
	rules := filepath.Join(dir, "rules")
	if err := WriteLoadRules(rules, ""); err != nil {
		t.Fatal(err)
	}
	sys, err := StartEmbeddedSystem(ctx, SystemOptions{Dir: dir, RulesDir: rules, HookURL: hook.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Stop()
	rep, err := Load(ctx, sys, hook, LoadOptions{Rate: 200, Duration: 3 * time.Second, Batch: 20, Clients: 2,
		Chars: 100, Target: TargetAPI, AlertEvery: 500 * time.Millisecond, DrainTimeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", rep)
	if rep.Sent < 200 {
		t.Errorf("sent %d posts, want at least 200 (3 s at 200/s)", rep.Sent)
	}
	if rep.Throughput <= 0 {
		t.Errorf("throughput %v", rep.Throughput)
	}
	if rep.Indexed < rep.Sent {
		t.Errorf("indexed %d of %d", rep.Indexed, rep.Sent)
	}
	if rep.Searchable.N == 0 || rep.Searchable.Missing != 0 {
		t.Errorf("searchable markers: %+v", rep.Searchable)
	}
	if rep.Alert.N == 0 || rep.Alert.Missing != 0 {
		t.Errorf("alert markers: %+v", rep.Alert)
	}
	if rss := sys.PeakRSS()["self"]; rss <= 0 {
		t.Errorf("peak RSS %d", rss)
	}
}
