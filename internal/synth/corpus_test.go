package synth

import (
	"strings"
	"testing"
	"time"
)

func TestCorpusIsDeterministicWithReposts(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a, b := NewCorpus(7, start, 30*24*time.Hour), NewCorpus(7, start, 30*24*time.Hour)
	reposts := 0
	for i := range 2000 {
		p, q := a.Post(), b.Post()
		if p.ID != q.ID || p.Text != q.Text || !p.PublishedAt.Equal(q.PublishedAt) {
			t.Fatalf("post %d differs between equal seeds", i)
		}
		if p.Text == "" || p.PublishedAt.Before(start) {
			t.Fatalf("post %d: %+v", i, p)
		}
		if strings.HasPrefix(p.Text, "转发:") || strings.Contains(p.Text, "//@") {
			reposts++
		}
	}
	if reposts < 100 {
		t.Fatalf("only %d labelled reposts in 2000 posts", reposts)
	}
	if n := len(BigVocabulary()); n < 30000 {
		t.Fatalf("vocabulary of %d words", n)
	}
}

func TestCorpusInOrderAdvances(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := NewCorpus(1, start, 10*24*time.Hour).InOrder(1000)
	var last time.Time
	for i := range 1000 {
		p := c.Post()
		if i > 0 && p.PublishedAt.Before(last.Add(-2*time.Hour)) {
			t.Fatalf("post %d at %s, long before the previous %s", i, p.PublishedAt, last)
		}
		last = p.PublishedAt
	}
	if last.Before(start.Add(9 * 24 * time.Hour)) {
		t.Fatalf("the stream ended at %s, not near the end of the period", last)
	}
}
