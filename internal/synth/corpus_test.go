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
