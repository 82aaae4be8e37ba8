package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the default zone must resolve on hosts without a zoneinfo database

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Period is the span of published_at one partition (one bleve index)
// holds. Periods are bounded by midnights in the index's time zone; weeks
// are ISO weeks, starting on Monday.
type Period string

// Periods.
const (
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// DefaultLocation is the zone whose days partition the index unless
// Options say otherwise: the analysts' day is the China Standard Time day.
var DefaultLocation = mustLoadLocation("Asia/Shanghai")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	return loc
}

func (p Period) valid() bool {
	return p == PeriodDay || p == PeriodWeek || p == PeriodMonth
}

// bounds returns the period holding t in loc: its key (the partition's
// directory name: 2026-11-25, 2026-W48 or 2026-11) and [start, end).
func (p Period) bounds(t time.Time, loc *time.Location) (key string, start, end time.Time) {
	t = t.In(loc)
	y, m, d := t.Date()
	switch p {
	case PeriodWeek:
		start = time.Date(y, m, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, loc)
		wy, w := start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", wy, w), start, start.AddDate(0, 0, 7)
	case PeriodMonth:
		start = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return start.Format("2006-01"), start, start.AddDate(0, 1, 0)
	default:
		start = time.Date(y, m, d, 0, 0, 0, 0, loc)
		return start.Format("2006-01-02"), start, start.AddDate(0, 0, 1)
	}
}

// isKey reports whether name is the key of a period of p (in any zone:
// keys do not depend on it).
func (p Period) isKey(name string) bool {
	var t time.Time
	var err error
	switch p {
	case PeriodWeek:
		var y, w int
		if _, err = fmt.Sscanf(name, "%04d-W%02d", &y, &w); err != nil || w < 1 || w > 53 {
			return false
		}
		// 4 January is always in ISO week 1.
		t = time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*(w-1))
	case PeriodMonth:
		t, err = time.Parse("2006-01", name)
	default:
		t, err = time.Parse("2006-01-02", name)
	}
	if err != nil {
		return false
	}
	key, _, _ := p.bounds(t, time.UTC)
	return key == name
}

// partition is one bleve index holding the docs published in [start, end).
type partition struct {
	key        string
	dir        string
	start, end time.Time
	created    time.Time
	idx        bleve.Index
	m          *member
}

// overlaps reports whether the partition may hold docs published in
// [from, to); zero from or to is unbounded.
func (p *partition) overlaps(from, to time.Time) bool {
	return (to.IsZero() || p.start.Before(to)) && (from.IsZero() || p.end.After(from))
}

// member is a partition as a member of the aliases searchIndex and
// allIndex return. A search that holds an alias from before retention
// dropped the partition finds it closed: it then answers like an empty
// index rather than failing, since the partition's documents are gone.
// (bleve's own lock makes Close wait for searches already running.)
type member struct {
	inner
	key     string
	dropped atomic.Bool
	empty   bleve.Index
}

// inner names the embedded index: embedded as bleve.Index its field would
// be called Index and hide the Index method.
type inner = bleve.Index

func (m *member) Name() string { return m.key }

func (m *member) gone(err error) bool {
	return err != nil && m.dropped.Load() && errors.Is(err, bleve.ErrorIndexClosed)
}

func (m *member) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return m.SearchInContext(context.Background(), req)
}

func (m *member) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	res, err := m.inner.SearchInContext(ctx, req)
	if m.gone(err) {
		return m.empty.SearchInContext(ctx, req)
	}
	return res, err
}

func (m *member) DocCount() (uint64, error) {
	n, err := m.inner.DocCount()
	if m.gone(err) {
		return 0, nil
	}
	return n, err
}

func (m *member) Document(id string) (bindex.Document, error) {
	d, err := m.inner.Document(id)
	if m.gone(err) {
		return nil, nil
	}
	return d, err
}

// searchIndex returns what a query over published_at in [from, to) must
// search: a bleve.IndexAlias of only the partitions that range touches
// (zero from/to = unbounded). Never nil: with no partitions it returns an
// empty alias (searches answer 0 hits). Safe for concurrent use with
// indexing and retention.
//
// The alias's members are named by partition key (2026-11-25), oldest
// first; "empty" stands in when no partition matches. A member dropped by
// retention while the alias is in use answers 0 hits. A member failing
// for another reason shows, with more than one member, as
// SearchResult.Status.Failed and Errors rather than as an error: check it.
func (ix *Index) searchIndex(from, to time.Time) bleve.Index {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var ms []bleve.Index
	for _, p := range ix.ordered {
		if p.overlaps(from, to) {
			ms = append(ms, p.m)
		}
	}
	return ix.alias(ms)
}

// allIndex returns an alias over every partition (Get by id, counts).
func (ix *Index) allIndex() bleve.Index {
	return ix.searchIndex(time.Time{}, time.Time{})
}

func (ix *Index) alias(ms []bleve.Index) bleve.Index {
	if len(ms) == 0 {
		ms = []bleve.Index{ix.empty}
	}
	a := bleve.NewIndexAlias(ms...)
	a.SetName("partitions")
	_ = a.SetIndexMapping(ix.mapping) // fails only on a closed alias
	return a
}

// partition returns the partition with key, or nil.
func (ix *Index) partition(key string) *partition {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.parts[key]
}

// putPartition adds p to the set searches pick from.
func (ix *Index) putPartition(p *partition) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.parts[p.key] = p
	ix.reorder()
}

func (ix *Index) removePartition(key string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.parts, key)
	ix.reorder()
}

func (ix *Index) reorder() {
	ix.ordered = ix.ordered[:0:0]
	for _, p := range ix.parts {
		ix.ordered = append(ix.ordered, p)
	}
	sort.Slice(ix.ordered, func(i, j int) bool { return ix.ordered[i].start.Before(ix.ordered[j].start) })
}

// PartitionInfo describes one partition.
type PartitionInfo struct {
	Key     string    `json:"key"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Created time.Time `json:"created"`
	Docs    uint64    `json:"docs"`
}

// Partitions lists the partitions, oldest first, with their live doc
// counts.
func (ix *Index) Partitions() []PartitionInfo {
	ix.mu.RLock()
	ps := append([]*partition(nil), ix.ordered...)
	ix.mu.RUnlock()
	out := make([]PartitionInfo, len(ps))
	for i, p := range ps {
		n, _ := p.m.DocCount()
		out[i] = PartitionInfo{Key: p.key, Start: p.start, End: p.end, Created: p.created, Docs: n}
	}
	return out
}
