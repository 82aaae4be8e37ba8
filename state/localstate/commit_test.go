package localstate

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openBolt(t testing.TB, noSync bool) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.NoSync = noSync
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

func put(k string) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte(k), []byte("v")) }
}

func TestCommitterSharesTransactions(t *testing.T) {
	db := openBolt(t, false)
	c := &committer{db: db}
	const writers, each = 32, 20
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				if err := c.do(put(fmt.Sprintf("%d/%d", g, i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("b")).Stats().KeyN; n != writers*each {
			t.Errorf("%d keys stored, want %d", n, writers*each)
		}
		return nil
	})
	commits := c.commits.Load()
	t.Logf("%d writes in %d transactions", writers*each, commits)
	if commits >= writers*each/2 {
		t.Errorf("%d transactions for %d concurrent writes: they are not shared", commits, writers*each)
	}
	// A lone writer commits at once, alone.
	before := c.commits.Load()
	if err := c.do(put("alone")); err != nil {
		t.Fatal(err)
	}
	if got := c.commits.Load() - before; got != 1 {
		t.Errorf("a lone write took %d transactions", got)
	}
}

// A write whose fn fails gets its error; the writes sharing its
// transaction are run again without it and succeed.
func TestCommitterFailedWriteAlone(t *testing.T) {
	db := openBolt(t, true)
	c := &committer{db: db}
	boom := errors.New("boom")
	// Hold the loop on a slow first write so the next ones queue into one
	// group, then release it.
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		c.do(func(tx *bolt.Tx) error {
			select {
			case <-started:
			default:
				close(started)
			}
			<-release
			return put("first")(tx)
		})
	})
	<-started
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			if i == 2 {
				errs[i] = c.do(func(*bolt.Tx) error { return boom })
				return
			}
			errs[i] = c.do(put(fmt.Sprint(i)))
		})
	}
	for {
		c.mu.Lock()
		n := len(c.pending)
		c.mu.Unlock()
		if n == len(errs) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if i == 2 {
			if !errors.Is(err, boom) {
				t.Errorf("the failing write got %v", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("write %d failed with its neighbour: %v", i, err)
		}
	}
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		for _, k := range []string{"first", "0", "1", "3", "4"} {
			if b.Get([]byte(k)) == nil {
				t.Errorf("key %s lost", k)
			}
		}
		return nil
	})
}

// BenchmarkWrites compares the committer with bbolt's Batch (1 ms delay
// with fsync, 0 without, as the store used them) for one writer and for
// 32 per CPU.
func BenchmarkWrites(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, par := range []int{1, 32} {
			for _, how := range []string{"bolt-batch", "committer"} {
				name := fmt.Sprintf("fsync=%t/goroutines-per-cpu=%d/%s", sync, par, how)
				b.Run(name, func(b *testing.B) {
					db := openBolt(b, !sync)
					db.MaxBatchDelay = time.Millisecond
					if !sync {
						db.MaxBatchDelay = 0
					}
					c := &committer{db: db}
					do := c.do
					if how == "bolt-batch" {
						do = db.Batch
					}
					var n atomic.Int64
					b.SetParallelism(par)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := do(put(fmt.Sprint(n.Add(1)))); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		}
	}
}
