package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing-dev/yuqing/analysis/simhash"
	"github.com/yuqing-dev/yuqing/state"
)

// Doc is a document for AssignBatch.
type Doc struct {
	ID   string
	Hash uint64
	At   time.Time
}

// AssignBatch assigns docs as Assign would one after the other, in order
// (a document can join a cluster started earlier in the batch, and a
// repeated id gets its first result), and returns their cluster ids in the
// same order. It issues the store calls of the whole batch together, up to
// 256 at a time, in four steps: read every doc and band key; claim the doc
// keys of new clusters and of documents joining clusters that already
// existed; claim those joining clusters this batch started; write the
// band keys that changed, one SET per key. On a local store the writes of
// a step share bbolt transactions and their fsync, so a batch of hundreds
// costs a few fsyncs instead of one or two per document.
//
// Agreement and idempotence are Assign's. When another replica assigns a
// document of the batch at the same moment and decides differently, the
// documents that joined it in this batch are assigned again one by one.
// An empty id fails the whole batch with ErrEmptyDocID before any store
// call; on any other error nothing is returned and calling AssignBatch
// again with the same docs is safe.
func (a *Assigner) AssignBatch(ctx context.Context, docs []Doc) ([]string, error) {
	for _, d := range docs {
		if d.ID == "" {
			return nil, ErrEmptyDocID
		}
	}
	b := newBatch(a, docs)
	if err := b.read(ctx); err != nil {
		return nil, err
	}
	b.decide()
	if err := b.claim(ctx); err != nil {
		return nil, err
	}
	if err := b.write(ctx); err != nil {
		return nil, err
	}
	if err := b.redo(ctx); err != nil {
		return nil, err
	}
	return b.results(), nil
}

// Outcomes of one document in a batch.
const (
	outUnhashed = iota // hash 0: its own cluster, no store access
	outRepeat          // same id as an earlier document of the batch
	outKnown           // its doc key held an assignment
	outNew             // starts a cluster
	outJoined          // joins a cluster
	outRedo            // joined a cluster that turned out not to exist
	outRedone          // assigned again alone (and counted there)
)

// batch is the state of one AssignBatch call.
type batch struct {
	a        *Assigner
	docs     []Doc
	out      []int
	as       []assignment // the document's cluster (and hash)
	first    []int        // for outRepeat, the earlier document
	claimed  []bool       // this batch wrote the doc key
	bandKeys [][]string
	stored   map[string]assignment // doc key → assignment read
	lists    map[string][]entry    // band key → entries, updated as the batch decides
	read0    map[string][]entry    // band key → entries as read
	dirty    map[string]bool       // band keys changed
	inBatch  map[string]bool       // ids of clusters started in this batch
}

func newBatch(a *Assigner, docs []Doc) *batch {
	n := len(docs)
	return &batch{
		a: a, docs: docs,
		out: make([]int, n), as: make([]assignment, n), first: make([]int, n),
		claimed: make([]bool, n), bandKeys: make([][]string, n),
		stored: map[string]assignment{}, lists: map[string][]entry{}, read0: map[string][]entry{},
		dirty: map[string]bool{}, inBatch: map[string]bool{},
	}
}

func (b *batch) docKey(i int) string { return b.a.opts.KeyPrefix + "doc:" + b.docs[i].ID }

// wrap says what was being assigned.
func (b *batch) wrap(err error) error {
	if len(b.docs) == 1 {
		return fmt.Errorf("assigning doc %s: %w", b.docs[0].ID, err)
	}
	return fmt.Errorf("assigning %d docs: %w", len(b.docs), err)
}

// read gets every doc key and band key of the batch once. A missing band
// key is an empty list; a band value that does not decode is counted and
// treated as empty (the next new cluster overwrites it); a doc key that
// does not decode is an error.
func (b *batch) read(ctx context.Context) error {
	var keys []string
	isDoc := map[string]bool{}
	seen := map[string]bool{}
	add := func(k string, doc bool) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
			isDoc[k] = doc
		}
	}
	for i, d := range b.docs {
		if d.Hash == 0 {
			continue
		}
		add(b.docKey(i), true)
		b.bandKeys[i] = b.a.layout.keys(b.a.opts.KeyPrefix, d.Hash)
		for _, k := range b.bandKeys[i] {
			add(k, false)
		}
	}
	vals := make([][]byte, len(keys))
	err := each(len(keys), func(i int) error {
		v, err := b.a.store.Get(ctx, keys[i])
		if errors.Is(err, state.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", keys[i], err)
		}
		vals[i] = v
		return nil
	})
	if err != nil {
		return b.wrap(err)
	}
	for i, k := range keys {
		switch {
		case vals[i] == nil:
		case isDoc[k]:
			as, err := decodeAssignment(vals[i])
			if err != nil {
				return b.wrap(fmt.Errorf("reading %s: %w", k, err))
			}
			b.stored[k] = as
		default:
			es, err := decodeEntries(vals[i])
			if err != nil {
				b.a.m.unreadable.Inc()
			}
			b.lists[k], b.read0[k] = es, es
		}
	}
	return nil
}

// decide assigns the documents in order against what was read plus the
// clusters started earlier in the batch.
func (b *batch) decide() {
	firstOf := map[string]int{}
	for i, d := range b.docs {
		if j, ok := firstOf[d.ID]; ok {
			b.out[i], b.first[i] = outRepeat, j
			continue
		}
		firstOf[d.ID] = i
		if d.Hash == 0 {
			b.out[i], b.as[i] = outUnhashed, assignment{id: d.ID}
			continue
		}
		if as, ok := b.stored[b.docKey(i)]; ok {
			b.out[i], b.as[i] = outKnown, as
			if as.id == d.ID && as.hash == d.Hash {
				b.addEntry(i) // repairs bands a crashed replica did not write
			}
			continue
		}
		b.out[i], b.as[i] = outNew, assignment{id: d.ID, hash: d.Hash}
		if c, ok := b.candidate(i); ok {
			b.out[i], b.as[i].id = outJoined, c.id
			continue
		}
		b.inBatch[d.ID] = true
		b.addEntry(i)
	}
}

// candidate returns the earliest entry in document i's band values within
// MaxDistance of it and within Window of its time.
func (b *batch) candidate(i int) (entry, bool) {
	d := b.docs[i]
	var best entry
	found := false
	window := b.a.opts.Window.Nanoseconds()
	for _, k := range b.bandKeys[i] {
		for _, e := range b.lists[k] {
			if simhash.Distance(e.hash, d.Hash) > b.a.opts.MaxDistance || absDiff(e.at, d.At.UnixNano()) > window {
				continue
			}
			if !found || earlier(e, best) {
				best, found = e, true
			}
		}
	}
	return best, found
}

// addEntry puts document i into each of its band values that lacks it.
func (b *batch) addEntry(i int) {
	d := b.docs[i]
	me := entry{hash: d.Hash, at: d.At.UnixNano(), id: d.ID}
	oldest := me.at - b.a.opts.Window.Nanoseconds()
	for _, k := range b.bandKeys[i] {
		if hasID(b.lists[k], d.ID) {
			continue
		}
		l, evicted := withEntry(b.lists[k], me, oldest)
		b.a.m.evicted.Add(float64(evicted))
		b.lists[k], b.dirty[k] = l, true
	}
}

// removeEntry takes document i out of its band values again.
func (b *batch) removeEntry(i int) {
	for _, k := range b.bandKeys[i] {
		if hasID(b.lists[k], b.docs[i].ID) {
			b.lists[k] = slicesDeleteID(b.lists[k], b.docs[i].ID)
			b.dirty[k] = true
		}
	}
}

// claim writes the doc keys: first of new clusters and of documents
// joining clusters from before the batch, then of documents joining the
// batch's own clusters, once those are known to be claimed. A new cluster
// whose doc key another replica claimed differently is withdrawn, and the
// documents that joined it are marked for redo.
func (b *batch) claim(ctx context.Context) error {
	var first, second []int
	for i, o := range b.out {
		switch {
		case o == outNew, o == outJoined && !b.inBatch[b.as[i].id]:
			first = append(first, i)
		case o == outJoined:
			second = append(second, i)
		}
	}
	if err := b.claimAll(ctx, first); err != nil {
		return err
	}
	var next []int
	for _, i := range second {
		if b.inBatch[b.as[i].id] {
			next = append(next, i)
		} else {
			b.out[i] = outRedo
		}
	}
	return b.claimAll(ctx, next)
}

// claimAll claims the doc keys of documents idx concurrently.
func (b *batch) claimAll(ctx context.Context, idx []int) error {
	got := make([]assignment, len(idx))
	err := each(len(idx), func(j int) error {
		as, claimed, err := b.a.claim(ctx, b.docKey(idx[j]), b.as[idx[j]])
		got[j], b.claimed[idx[j]] = as, claimed
		return err
	})
	if err != nil {
		return b.wrap(err)
	}
	for j, i := range idx {
		if got[j] == b.as[i] {
			continue
		}
		// Another replica assigned the document differently.
		if b.out[i] == outNew {
			delete(b.inBatch, b.docs[i].ID)
			b.removeEntry(i)
		}
		b.out[i], b.as[i] = outKnown, got[j]
	}
	return nil
}

// write stores the band values the batch changed. A value back to what
// was read (a withdrawn cluster) is not written, so as not to overwrite
// what another replica wrote since.
func (b *batch) write(ctx context.Context) error {
	keys := make([]string, 0, len(b.dirty))
	for k := range b.dirty {
		if !slices.Equal(b.lists[k], b.read0[k]) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	kvs := make(map[string][]byte, len(keys))
	for _, k := range keys {
		kvs[k] = encodeEntries(b.lists[k])
	}
	// One transaction (locally) or one pipeline (Redis) for the batch's
	// bands, instead of a write each.
	if err := state.SetMany(ctx, b.a.store, kvs, b.a.opts.Window); err != nil {
		return b.wrap(fmt.Errorf("writing %d band keys: %w", len(kvs), err))
	}
	return nil
}

// redo assigns one by one, in order, the documents that joined a cluster
// withdrawn by claim.
func (b *batch) redo(ctx context.Context) error {
	for i, o := range b.out {
		if o != outRedo {
			continue
		}
		d := b.docs[i]
		ids, err := b.a.AssignBatch(ctx, []Doc{d})
		if err != nil {
			return err
		}
		b.out[i], b.as[i] = outRedone, assignment{id: ids[0]}
	}
	return nil
}

// results returns the cluster ids and counts the outcomes.
func (b *batch) results() []string {
	ids := make([]string, len(b.docs))
	for i, o := range b.out {
		if o == outRepeat {
			ids[i] = ids[b.first[i]]
			b.a.m.assigned.WithLabelValues(resultKnown).Inc()
			continue
		}
		ids[i] = b.as[i].id
		switch {
		case o == outRedone:
		case o == outUnhashed:
			b.a.m.assigned.WithLabelValues(resultUnhashed).Inc()
		case o == outKnown || !b.claimed[i]:
			b.a.m.assigned.WithLabelValues(resultKnown).Inc()
		case o == outNew:
			b.a.m.assigned.WithLabelValues(resultNew).Inc()
		default:
			b.a.m.assigned.WithLabelValues(resultJoined).Inc()
		}
	}
	return ids
}

func hasID(es []entry, id string) bool {
	for _, e := range es {
		if e.id == id {
			return true
		}
	}
	return false
}

func slicesDeleteID(es []entry, id string) []entry {
	out := make([]entry, 0, len(es))
	for _, e := range es {
		if e.id != id {
			out = append(out, e)
		}
	}
	return out
}
