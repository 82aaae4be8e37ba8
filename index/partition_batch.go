package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/document"

	"github.com/yuqing-dev/yuqing/analysis"
)

// Index adds or replaces docs. Each doc goes to the partition of its
// published_at (ingested_at, or now, when that is zero); a doc whose id is
// already in another partition is deleted there, so an id has one copy
// however its time changes. Of several docs with one id in docs, the last
// wins. Docs older than the retention are not indexed (and an older copy
// of them is deleted). A doc that cannot be mapped fails the whole batch
// with its id named, before anything is written.
//
// Index returns when the batch is persisted on disk, so the caller may
// then commit its input offsets.
//
// Crash safety. A batch is, in order: (1) look up the ids' partitions in
// the id map; (2) create new partitions, each recorded in the manifest
// before it gets documents; (3) index the docs into their partitions;
// (4) delete moved docs from their old partitions; (5) record the ids'
// partitions and the doc counts in the manifest, one bbolt transaction.
// bleve and bbolt do not share a transaction, so a crash (or error)
// between steps leaves a moved doc in two partitions (after 3) or the map
// naming its old partition (after 4), until the batch is retried. The
// stage acknowledges a batch only after Index returns, so it is retried
// (at-least-once), and the retry is a repair: the map still names the old
// partition, so step 4 deletes there again (a no-op if already done) and
// step 3 overwrites the same id in the same new partition (the partition
// is a function of the doc). Nothing is lost in any window because docs
// are added before the old copies are deleted. A retry after a restart
// works the same way: the map and the partitions are on disk.
func (ix *Index) Index(ctx context.Context, docs []analysis.Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	pl, err := ix.plan(docs)
	if err != nil {
		return err
	}
	if err := ix.write(pl); err != nil {
		return err
	}
	if pl.skipped > 0 {
		ix.metrics.skipped.Add(float64(pl.skipped))
		ix.log.WarnContext(ctx, "not indexing docs older than the retention", "docs", pl.skipped,
			"example", pl.skippedID, "retention", ix.opts.Retention)
	}
	if err := ix.crashPoint("written"); err != nil {
		return err
	}
	if err := ix.meta.commit(pl.upd); err != nil {
		return fmt.Errorf("recording the partitions of %d docs: %w", len(pl.upd.put), err)
	}
	return nil
}

// batchPlan is where one batch's docs go.
type batchPlan struct {
	adds      map[string][]*analysis.Doc // partition key → docs to index there
	periods   map[string][2]time.Time    // partition key → [start, end)
	dels      map[string][]string        // partition key → ids that moved away from it
	upd       idUpdate
	skipped   int
	skippedID string
}

// plan places each doc (the last of each id) and looks up where its id is
// now, in one read of the id map.
func (ix *Index) plan(docs []analysis.Doc) (*batchPlan, error) {
	last := make(map[string]int, len(docs))
	ids := make([]string, 0, len(docs))
	for i := range docs {
		id := docs[i].ID
		if id == "" {
			return nil, errors.New("indexing a doc without an id")
		}
		if _, ok := last[id]; !ok {
			ids = append(ids, id)
		}
		last[id] = i
	}
	old := make([]string, len(ids))
	if err := ix.meta.lookup(ids, old); err != nil {
		return nil, fmt.Errorf("looking up the partitions of %d docs: %w", len(ids), err)
	}
	now := ix.opts.Now()
	pl := &batchPlan{adds: map[string][]*analysis.Doc{}, periods: map[string][2]time.Time{},
		dels: map[string][]string{}, upd: idUpdate{put: make(map[string]string, len(ids))}}
	for i, id := range ids {
		d := &docs[last[id]]
		key, start, end := ix.opts.Partition.bounds(docTime(d, now), ix.opts.Location)
		if ix.expired(end, now) {
			key = ""
			pl.skipped++
			pl.skippedID = id
			if old[i] != "" {
				pl.upd.remove = append(pl.upd.remove, id)
			}
		} else {
			pl.adds[key] = append(pl.adds[key], d)
			pl.periods[key] = [2]time.Time{start, end}
			if old[i] != key { // a re-delivery or an update in place changes nothing
				pl.upd.put[id] = key
			}
		}
		if old[i] != "" && old[i] != key {
			pl.dels[old[i]] = append(pl.dels[old[i]], id)
		}
	}
	return pl, nil
}

// docTime is the time that places d in a partition.
func docTime(d *analysis.Doc, now time.Time) time.Time {
	switch {
	case !d.PublishedAt.IsZero():
		return d.PublishedAt
	case !d.IngestedAt.IsZero():
		return d.IngestedAt
	}
	return now
}

// expired reports whether a period ending at end is wholly older than the
// retention.
func (ix *Index) expired(end, now time.Time) bool {
	return ix.opts.Retention > 0 && !end.After(now.Add(-ix.opts.Retention))
}

// write runs steps 2–4 of Index and sets the new doc counts in pl.upd.
// Partitions are written in parallel: a batch of live posts touches one or
// two, a backfill may touch many.
func (ix *Index) write(pl *batchPlan) error {
	for key, per := range pl.periods {
		if ix.partition(key) == nil {
			if _, err := ix.createPartition(key, per[0], per[1]); err != nil {
				return err
			}
		}
	}
	built := make(map[string][]*document.Document, len(pl.adds))
	var mu sync.Mutex
	err := ix.eachPartition(keysOf(pl.adds), func(p *partition) error {
		m := p.idx.Mapping()
		docs := make([]*document.Document, len(pl.adds[p.key]))
		for i, d := range pl.adds[p.key] {
			doc, err := buildDocument(m, d)
			if err != nil {
				return err
			}
			docs[i] = doc
		}
		mu.Lock()
		built[p.key] = docs
		mu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	if err := ix.eachPartition(keysOf(built), func(p *partition) error {
		b := p.idx.NewBatch()
		for _, doc := range built[p.key] {
			if err := b.IndexAdvanced(doc); err != nil {
				return fmt.Errorf("adding doc %s to batch: %w", doc.ID(), err)
			}
		}
		if err := p.idx.Batch(b); err != nil {
			return fmt.Errorf("indexing %d docs into partition %s: %w", b.Size(), p.key, err)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := ix.crashPoint("indexed"); err != nil {
		return err
	}
	if err := ix.eachPartition(keysOf(pl.dels), func(p *partition) error {
		b := p.idx.NewBatch()
		for _, id := range pl.dels[p.key] {
			b.Delete(id)
		}
		if err := p.idx.Batch(b); err != nil {
			return fmt.Errorf("deleting %d moved docs from partition %s: %w", b.Size(), p.key, err)
		}
		return nil
	}); err != nil {
		return err
	}
	return ix.recount(pl, append(keysOf(pl.adds), keysOf(pl.dels)...))
}

// recount adds the touched partitions' records, with their doc counts, to
// the manifest update.
func (ix *Index) recount(pl *batchPlan, keys []string) error {
	seen := map[string]bool{}
	for _, key := range keys {
		p := ix.partition(key)
		if p == nil || seen[key] {
			continue
		}
		seen[key] = true
		n, err := p.idx.DocCount()
		if err != nil {
			return fmt.Errorf("counting docs of partition %s: %w", key, err)
		}
		pl.upd.recs = append(pl.upd.recs, partRecord{Key: key, Start: p.start, End: p.end, Created: p.created, Docs: n})
	}
	return nil
}

// eachPartition runs f on the partitions with keys, in parallel, skipping
// keys with no partition (an id map entry can outlive a partition that
// vanished), and joins the errors.
func (ix *Index) eachPartition(keys []string, f func(*partition) error) error {
	if len(keys) == 1 {
		if p := ix.partition(keys[0]); p != nil {
			return f(p)
		}
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, key := range keys {
		p := ix.partition(key)
		if p == nil {
			continue
		}
		wg.Go(func() {
			if err := f(p); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// crashPoint lets tests stop a batch after step ("indexed": docs added,
// moved copies not yet deleted; "written": before the id map is updated).
func (ix *Index) crashPoint(step string) error {
	if ix.testCrash == nil {
		return nil
	}
	return ix.testCrash(step)
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
