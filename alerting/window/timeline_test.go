package window

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/internal/testclock"
)

func TestParseTimeline(t *testing.T) {
	tl, err := ParseTimeline(`
		# the example of issue 5
		at 0s    post source=weibo cluster=c1
		at 30s   post ×3 source=weibo cluster=c1 every 1s rule=a,b
		at 1m    post x2 id=p locations=杭州|宁波
		tick 2s
		end 6m
		expect fire frequency-rule key=c1 between 40s 50s
		expect no fire until 5m
		expect fire r times=2 until 1m`)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Posts) != 6 || tl.TickEvery != 2*time.Second || tl.End != 6*time.Minute {
		t.Fatalf("got %d posts, tick %s, end %s", len(tl.Posts), tl.TickEvery, tl.End)
	}
	p := tl.Posts[3]
	if p.At != 32*time.Second || p.Event.DocID != "d4" || p.Event.Fields["cluster_id"] != "c1" || !slices.Equal(p.Rules, []string{"a", "b"}) {
		t.Errorf("post 4 = %+v", p)
	}
	if p := tl.Posts[5]; p.Event.DocID != "p-2" || !slices.Equal(Values(p.Event.Fields["locations"]), []string{"杭州", "宁波"}) {
		t.Errorf("post 6 = %+v", p)
	}
	want := []Expect{
		{Rule: "frequency-rule", Key: "c1", KeySet: true, From: 40 * time.Second, To: 50 * time.Second, Line: 8},
		{No: true, To: 5 * time.Minute, Line: 9},
		{Rule: "r", Times: 2, To: time.Minute, Line: 10},
	}
	if !slices.Equal(tl.Expects, want) {
		t.Errorf("expects = %+v\nwant %+v", tl.Expects, want)
	}
}

func TestParseTimelineErrors(t *testing.T) {
	for _, text := range []string{
		"post at 0s",
		"at 0s send",
		"at soon post",
		"at 0s post ×0",
		"at 0s post cluster",
		"expect fire r",
		"expect fire r between 5m 1m",
		"expect fire r until 1m extra",
		"tick 0s",
		"dance",
	} {
		if _, err := ParseTimeline("\n" + text); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: err = %v, want an error naming line 2", text, err)
		}
	}
}

// Check must catch a missing, an unexpected and a miscounted firing.
func TestCheckReportsUnmetExpectations(t *testing.T) {
	fired := []Fired{{At: 48 * time.Second, Firing: Firing{RuleID: "f", Key: "c1"}}}
	for _, c := range []struct {
		expect string
		ok     bool
	}{
		{"expect fire f key=c1 between 40s 50s", true},
		{"expect fire f between 40s 50s times=1", true},
		{"expect fire f key=c2 between 40s 50s", false},
		{"expect fire f between 0s 47s", false},
		{"expect fire f between 0s 1m times=2", false},
		{"expect no fire until 47s", true},
		{"expect no fire until 48s", false},
		{"expect no fire g until 1h", true},
	} {
		tl, err := ParseTimeline(c.expect)
		if err != nil {
			t.Fatal(err)
		}
		if err := tl.Check(fired); (err == nil) != c.ok {
			t.Errorf("%s: Check = %v, want ok %v", c.expect, err, c.ok)
		}
	}
}

// The firing carries a readable reason and bounded evidence, newest first,
// starting with the post that crossed the threshold.
func TestFiringReasonAndEvidence(t *testing.T) {
	clock := testclock.New(start)
	ev := New(openLocal(t, clock), clock.Now, "w/")
	r := rule.Rule{ID: "freq", Type: rule.TypeFrequency, NumEvents: 23, Timeframe: dur("10m"), QueryKey: "cluster_id"}
	tl, err := ParseTimeline("at 0s post ×23 cluster=c1 every 10s")
	if err != nil {
		t.Fatal(err)
	}
	fired, err := tl.Run(context.Background(), ev, clock, []rule.Rule{r})
	if err != nil {
		t.Fatal(err)
	}
	if len(fired) != 1 {
		t.Fatalf("fired %+v", fired)
	}
	f := fired[0]
	if f.Reason != "23 events in 10m (threshold 23)" || f.Count != 23 || f.Window != 10*time.Minute || f.Key != "c1" || f.Type != rule.TypeFrequency {
		t.Errorf("firing = %+v", f.Firing)
	}
	// Buckets are 1m: 6 posts a minute, 5 kept as evidence per bucket.
	if len(f.DocIDs) != MaxEvidence || f.DocIDs[0] != "d23" || slices.Contains(f.DocIDs[1:], "d23") {
		t.Errorf("DocIDs = %v", f.DocIDs)
	}
}

func TestObserveRefusesUnknownTypeAndCancelledContext(t *testing.T) {
	clock := testclock.New(start)
	ev := New(openLocal(t, clock), clock.Now, "w/")
	if _, err := ev.Observe(context.Background(), rule.Rule{ID: "x", Type: "sometimes"}, Event{}); err == nil || !strings.Contains(err.Error(), "rule x") {
		t.Errorf("unknown type: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ev.Observe(ctx, rule.Rule{ID: "x", Type: rule.TypeAny}, Event{}); err == nil {
		t.Error("cancelled context: no error")
	}
}
