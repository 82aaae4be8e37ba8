package cluster

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/yuqing-dev/yuqing/state/localstate"
)

// BenchmarkAssign measures one Assign on a localstate file with its real
// fsync, for each outcome, and new clusters from 4 goroutines per CPU at
// once (concurrent writes share bbolt batches and their fsync).
func BenchmarkAssign(b *testing.B) {
	s, err := localstate.Open(filepath.Join(b.TempDir(), "state.db"), localstate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	a := newAssigner(b, s, DefaultOptions())
	r := rand.New(rand.NewPCG(1, 2))
	var seq atomic.Int64
	id := func() string { return "doc-" + strconv.FormatInt(seq.Add(1), 10) }

	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.Assign(ctx, id(), r.Uint64()|1, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	const rep = 0x0123456789abcdef
	assign(b, a, "rep", rep, t0)
	b.Run("joined", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if c, err := a.Assign(ctx, id(), flip(rep, i%64), t0); err != nil || c != "rep" {
				b.Fatalf("Assign = %s, %v", c, err)
			}
		}
	})
	b.Run("known", func(b *testing.B) {
		for b.Loop() {
			if c, err := a.Assign(ctx, "rep", rep, t0); err != nil || c != "rep" {
				b.Fatalf("Assign = %s, %v", c, err)
			}
		}
	})
	b.Run("new-parallel", func(b *testing.B) {
		b.SetParallelism(4) // 4 goroutines per CPU
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(rand.Uint64(), 0))
			for pb.Next() {
				if _, err := a.Assign(ctx, id(), r.Uint64()|1, t0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkAssignBatch measures AssignBatch per batch of 500 documents,
// half of them joining clusters of the batch, on each store.
func BenchmarkAssignBatch(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			a := newAssigner(b, be.start(b).replica(), DefaultOptions())
			r := rand.New(rand.NewPCG(3, 4))
			seq := 0
			docs := make([]Doc, 500)
			for b.Loop() {
				for i := range docs {
					seq++
					h := r.Uint64() | 1
					if i%2 == 1 {
						h = flip(docs[i-1].Hash, r.IntN(64))
					}
					docs[i] = Doc{ID: "doc-" + strconv.Itoa(seq), Hash: h, At: t0}
				}
				if _, err := a.AssignBatch(context.Background(), docs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/doc")
		})
	}
}
