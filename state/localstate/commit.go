package localstate

import (
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// committer runs the writes of concurrent callers in shared transactions
// (group commit): a write waits for no timer — when no commit is running
// it starts one at once — and every write that arrives while a commit is
// running goes into the next one, so a burst of concurrent writers costs
// a few commits (and fsyncs) instead of one each, and a lone writer pays
// one commit and no delay. bbolt's own Batch needs a delay to gather
// company: with one (1 ms) a sequential writer waits on every write;
// with none it gathers little.
type committer struct {
	db *bolt.DB

	mu      sync.Mutex
	pending []*write
	running bool // a goroutine is committing pending

	commits atomic.Int64 // transactions run, for tests
}

type write struct {
	fn   func(*bolt.Tx) error
	err  error
	done chan struct{}
}

// maxGroup bounds the writes of one transaction, so a long queue cannot
// make one commit (and the write lock it holds) arbitrarily long.
const maxGroup = 1000

// do runs fn in a read-write transaction, possibly shared with other
// writes, and returns its error or the commit's. fn may run more than once
// (a group is rolled back and run again without a write that failed), so
// it must only record results in the transaction.
func (c *committer) do(fn func(*bolt.Tx) error) error {
	w := &write{fn: fn, done: make(chan struct{})}
	c.mu.Lock()
	c.pending = append(c.pending, w)
	if !c.running {
		c.running = true
		go c.loop()
	}
	c.mu.Unlock()
	<-w.done
	return w.err
}

// loop commits groups until nothing is pending.
func (c *committer) loop() {
	for {
		c.mu.Lock()
		group := c.pending
		if len(group) > maxGroup {
			group = group[:maxGroup:maxGroup]
		}
		c.pending = c.pending[len(group):]
		if len(group) == 0 {
			c.pending = nil
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.commit(group)
	}
}

// commit runs group in one transaction. When one write's fn fails, that
// write gets its error alone and the others are run again without it; a
// failed commit fails them all.
func (c *committer) commit(group []*write) {
	for len(group) > 0 {
		failed := -1
		c.commits.Add(1)
		err := c.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := w.fn(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if err == nil || failed < 0 {
			for _, w := range group {
				w.err = err
				close(w.done)
			}
			return
		}
		w := group[failed]
		w.err = err
		close(w.done)
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}
