package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/cluster"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/state/localstate"
)

// TestDefaultRulePacks runs every example of the shipped rule packs
// (configs/rules/examples) through the real analysis, repost clustering and
// this engine on a fresh local state with a simulated clock: each "fires"
// case must fire its rule, each "does_not_fire" case must not.
func TestDefaultRulePacks(t *testing.T) {
	dir := filepath.Join("..", "..", "configs", "rules")
	rules, err := rule.LoadDir(dir, rule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]rule.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	examples, err := rule.LoadExamples(filepath.Join(dir, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	seg, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	an, err := analysis.NewAnalyzer(seg)
	if err != nil {
		t.Fatal(err)
	}
	start, _ := time.Parse(time.RFC3339, rule.ExampleStart)
	for _, ex := range examples {
		r, ok := byID[ex.Rule]
		if !ok {
			t.Errorf("%s: no rule %q", ex.File, ex.Rule)
			continue
		}
		for _, c := range append(ex.Fires, ex.DoesNotFire...) {
			want := slicesContainsCase(ex.Fires, c)
			t.Run(ex.Rule+"/"+c.Note, func(t *testing.T) {
				n, where := runCase(t, an, r, c, start)
				switch {
				case want && n == 0:
					t.Errorf("%s: rule %s did not fire on %q", ex.File, r.ID, c.Note)
				case !want && n > 0:
					t.Errorf("%s: rule %s fired on %q: %s", ex.File, r.ID, c.Note, where)
				}
			})
		}
	}
}

func slicesContainsCase(cs []rule.Case, c rule.Case) bool {
	for _, x := range cs {
		if x.Note == c.Note && len(x.Posts) == len(c.Posts) {
			return true
		}
	}
	return false
}

// runCase plays one example timeline and returns how many firings it
// caused and a description of the first.
func runCase(t *testing.T, an *analysis.Analyzer, r rule.Rule, c rule.Case, start time.Time) (int, string) {
	t.Helper()
	ctx := context.Background()
	clock := testclock.New(start)
	st, err := localstate.Open(filepath.Join(t.TempDir(), "state.db"), localstate.Options{Now: clock.Now, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := New([]rule.Rule{r}, st, Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cluster.New(st, cluster.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	type timed struct {
		at time.Duration
		p  ingest.Post
	}
	var posts []timed
	var cursor time.Duration
	for i, ep := range c.Posts {
		at := cursor
		if ep.At != 0 {
			at = time.Duration(ep.At)
		}
		count := max(ep.Count, 1)
		for k := range count {
			p := ingest.Post{ID: fmt.Sprintf("p%d-%d", i, k), Source: ep.Source, Kind: cmpOr(ep.Kind, ingest.KindPost),
				Title: ep.Title, Text: ep.Text, Author: ep.Author, Region: ep.Region}
			if ep.Vary {
				p.Text = fmt.Sprintf("%s %d", ep.Text, k+1)
				p.Author = fmt.Sprintf("%s%d", cmpOr(ep.Author, "user"), k+1)
			}
			posts = append(posts, timed{at + time.Duration(k)*time.Duration(ep.Every), p})
		}
		cursor = at + time.Duration(count-1)*time.Duration(ep.Every)
	}
	end := cursor
	if c.Until != 0 {
		end = time.Duration(c.Until)
	}
	fired, first := 0, ""
	note := func(fs []Firing) {
		fired += len(fs)
		if first == "" && len(fs) > 0 {
			first = fs[0].Reason
		}
	}
	next := 0
	for now := time.Duration(0); now <= end; now += time.Second {
		clock.Set(start.Add(now))
		for next < len(posts) && posts[next].at <= now {
			p := posts[next].p
			p.PublishedAt = start.Add(posts[next].at)
			d := an.Analyze(p)
			h, _ := d.Hash()
			if d.ClusterID, err = cl.Assign(ctx, d.ID, h, d.PublishedAt); err != nil {
				t.Fatal(err)
			}
			fs, err := e.Observe(ctx, &d)
			if err != nil {
				t.Fatal(err)
			}
			note(fs)
			next++
		}
		if now%time.Minute == 0 || now == end {
			fs, err := e.Tick(ctx)
			if err != nil {
				t.Fatal(err)
			}
			note(fs)
		}
	}
	return fired, strings.TrimSpace(first)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
