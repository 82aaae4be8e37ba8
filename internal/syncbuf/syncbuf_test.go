package syncbuf

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestConcurrentWritesAndReads(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&b, "%d.%d\n", g, i)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 400 {
		t.Errorf("%d lines, want 400", n)
	}
	mark := b.Len()
	b.Write([]byte("tail"))
	if got := b.From(mark); got != "tail" {
		t.Errorf("From(mark) = %q", got)
	}
	if got := b.From(b.Len() + 5); got != "" {
		t.Errorf("From past the end = %q", got)
	}
}
