package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
)

// ErrNotFound is returned by Get for an id that is not in the index.
var ErrNotFound = errors.New("document not found")

// ErrClosed is returned by Index and DropExpired after Close.
var ErrClosed = errors.New("index is closed")

// Options configure OpenWith. The zero value is what Open uses.
type Options struct {
	// Partition is the period of published_at one bleve index holds
	// (default PeriodDay).
	Partition Period
	// Location is the zone whose midnights bound periods (default
	// DefaultLocation, Asia/Shanghai). Period and zone are recorded in the
	// index and cannot change while it holds partitions.
	Location *time.Location
	// Retention drops partitions whose whole period is older than this,
	// and skips indexing docs already that old; 0 keeps everything.
	Retention time.Duration
	// Now is the clock retention reads (default time.Now).
	Now func() time.Time
	// Registerer receives the index metrics; nil means no metrics.
	Registerer prometheus.Registerer
}

func (o Options) withDefaults() (Options, error) {
	if o.Partition == "" {
		o.Partition = PeriodDay
	}
	if !o.Partition.valid() {
		return o, fmt.Errorf("partition period %q: want day, week or month", o.Partition)
	}
	if o.Location == nil {
		o.Location = DefaultLocation
	}
	if o.Retention < 0 {
		return o, fmt.Errorf("retention %v is negative", o.Retention)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// Index is the bleve full-text index of Docs, partitioned by the period
// of published_at: one bleve index per day (or week, month) in dir/<key>,
// with a manifest and an id → partition map in dir/partitions.db. It is
// safe for concurrent use: batches, searches and retention may run at the
// same time.
type Index struct {
	dir     string
	opts    Options
	mapping mapping.IndexMapping // current mapping: new partitions and aliases
	log     *slog.Logger
	meta    *metaStore
	empty   bleve.Index // stands in for "no partition" in aliases
	metrics *metrics

	// writeMu serialises batches, partition creation, retention and
	// Close; the id map is read and written under it.
	writeMu sync.Mutex
	closed  bool

	// mu guards parts and ordered; searches hold it only to pick members.
	mu      sync.RWMutex
	parts   map[string]*partition
	ordered []*partition // by start

	// testCrash (tests) is called at the steps of a batch (see
	// crashPoint); an error stands for a crash there.
	testCrash func(step string) error

	closeOnce sync.Once
	closeErr  error
}

// Open opens the index at dir with the default Options, creating it when
// dir does not exist. The gse dictionary is loaded on the first open in a
// process.
func Open(dir string, log *slog.Logger) (*Index, error) {
	return OpenWith(dir, Options{}, log)
}

// OpenWith opens the partitioned index at dir, creating it when needed.
// It opens every partition in the manifest, forgets a partition whose
// directory has vanished, and removes partition directories the manifest
// does not list (left by a create or a drop that a crash interrupted; they
// hold no acknowledged document). An index written with another period,
// zone or format, or an unpartitioned index from an earlier version, is
// refused with ErrIncompatible.
func OpenWith(dir string, o Options, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		return nil, fmt.Errorf("opening index %s: %w: it is one unpartitioned bleve index from an earlier "+
			"version; move it away and re-index", dir, ErrIncompatible)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating index dir: %w", err)
	}
	meta, recs, err := openMeta(filepath.Join(dir, metaFile), o.Partition, o.Location)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, opts: o, mapping: NewMapping(), log: log, meta: meta, parts: map[string]*partition{}}
	if ix.empty, err = bleve.NewMemOnly(ix.mapping); err != nil {
		ix.Close()
		return nil, fmt.Errorf("creating empty index: %w", err)
	}
	ix.empty.SetName("empty")
	if err := ix.openPartitions(recs); err != nil {
		ix.Close()
		return nil, err
	}
	ix.metrics = newMetrics(o.Registerer, ix)
	log.Info("opened index", "dir", dir, "partitions", len(ix.parts), "period", o.Partition,
		"timezone", o.Location.String(), "retention", o.Retention)
	return ix, nil
}

func (ix *Index) openPartitions(recs []partRecord) error {
	for _, r := range recs {
		path := filepath.Join(ix.dir, r.Key)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			ix.log.Warn("partition directory is missing: forgetting the partition and its ids", "partition", r.Key, "dir", path)
			if err := ix.meta.dropPartition(r.Key, nil); err != nil {
				return fmt.Errorf("forgetting partition %s: %w", r.Key, err)
			}
			continue
		}
		idx, err := bleve.Open(path)
		if err != nil {
			return fmt.Errorf("opening partition %s: %w", path, err)
		}
		r.Start, r.End = r.Start.In(ix.opts.Location), r.End.In(ix.opts.Location) // JSON keeps only the offset
		ix.putPartition(ix.newPartition(r, idx))
	}
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return fmt.Errorf("listing index dir: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || ix.parts[e.Name()] != nil {
			continue
		}
		if !ix.opts.Partition.isKey(e.Name()) {
			ix.log.Warn("ignoring unknown directory in the index", "dir", e.Name())
			continue
		}
		ix.log.Warn("removing partition directory the manifest does not list (interrupted create or drop)", "partition", e.Name())
		if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
			return fmt.Errorf("removing stray partition %s: %w", e.Name(), err)
		}
	}
	return nil
}

func (ix *Index) newPartition(r partRecord, idx bleve.Index) *partition {
	return &partition{key: r.Key, dir: filepath.Join(ix.dir, r.Key), start: r.Start, end: r.End,
		created: r.Created, idx: idx, m: &member{inner: idx, key: r.Key, empty: ix.empty}}
}

// createPartition creates the partition for [start, end) and records it
// in the manifest before any document goes in, so that a directory the
// manifest does not list never holds acknowledged documents.
func (ix *Index) createPartition(key string, start, end time.Time) (*partition, error) {
	path := filepath.Join(ix.dir, key)
	if err := os.RemoveAll(path); err != nil { // a stray from a crashed create
		return nil, fmt.Errorf("clearing partition dir %s: %w", path, err)
	}
	idx, err := bleve.New(path, NewMapping())
	if err != nil {
		return nil, fmt.Errorf("creating partition %s: %w", path, err)
	}
	r := partRecord{Key: key, Start: start, End: end, Created: ix.opts.Now().UTC()}
	if err := ix.meta.addPartition(r); err != nil {
		idx.Close()
		return nil, fmt.Errorf("recording partition %s: %w", key, err)
	}
	p := ix.newPartition(r, idx)
	ix.putPartition(p)
	ix.log.Info("created index partition", "partition", key, "start", start, "end", end)
	return p, nil
}

// Close closes every partition after persisting what was batched. Calling
// it again returns the first call's result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.writeMu.Lock()
		defer ix.writeMu.Unlock()
		ix.closed = true
		ix.mu.Lock()
		parts := ix.ordered
		ix.parts, ix.ordered = map[string]*partition{}, nil
		ix.mu.Unlock()
		var errs []error
		for _, p := range parts {
			if err := p.idx.Close(); err != nil {
				errs = append(errs, fmt.Errorf("closing partition %s: %w", p.key, err))
			}
		}
		if ix.empty != nil {
			ix.empty.Close()
		}
		if err := ix.meta.close(); err != nil {
			errs = append(errs, fmt.Errorf("closing partition manifest: %w", err))
		}
		if len(errs) > 0 {
			ix.closeErr = fmt.Errorf("closing index: %w", errors.Join(errs...))
		}
	})
	return ix.closeErr
}

// Count is the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	ix.mu.RLock()
	parts := ix.ordered
	ix.mu.RUnlock()
	var total uint64
	for _, p := range parts {
		n, err := p.m.DocCount()
		if err != nil {
			return 0, fmt.Errorf("counting docs of partition %s: %w", p.key, err)
		}
		total += n
	}
	return total, nil
}

// Get returns the stored doc with id (without tokens), or ErrNotFound.
// The id map names the partition to look in; an id it does not place (or
// misplaces, until a retried batch repairs it) is looked for in all.
func (ix *Index) Get(ctx context.Context, id string) (analysis.Doc, error) {
	keys := []string{""}
	if err := ix.meta.lookup([]string{id}, keys); err == nil && keys[0] != "" {
		if p := ix.partition(keys[0]); p != nil {
			if d, err := get(ctx, p.m, id); !errors.Is(err, ErrNotFound) {
				return d, err
			}
		}
	}
	return get(ctx, ix.allIndex(), id)
}

// Reveal returns the document with its original text and title (personal
// data unmasked) in Text and Title and the masked forms in MaskedText and
// MaskedTitle. Only the reveal_pii permission may show it, with a reason
// that is audited (package api).
func (ix *Index) Reveal(ctx context.Context, id string) (analysis.Doc, error) {
	d, err := ix.Get(ctx, id)
	if err != nil {
		return d, err
	}
	return d, ix.original(ctx, &d)
}

// original restores d's original text from the stored source: the
// display (masked) forms move to MaskedText/MaskedTitle. A document
// without personal data has no separate original: it is its display form.
func (ix *Index) original(ctx context.Context, d *analysis.Doc) error {
	var src struct {
		Text  string `json:"text"`
		Title string `json:"title"`
	}
	js, err := ix.storedSource(ctx, d.ID)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(js), &src); err != nil {
		return fmt.Errorf("decoding stored doc %s: %w", d.ID, err)
	}
	if src.Text != "" {
		d.MaskedText, d.Text = d.Text, src.Text
	}
	if src.Title != "" {
		d.MaskedTitle, d.Title = d.Title, src.Title
	}
	return nil
}

// storedSource returns the stored JSON of id.
func (ix *Index) storedSource(ctx context.Context, id string) (string, error) {
	req := bleve.NewSearchRequest(query.NewDocIDQuery([]string{id}))
	req.Fields = []string{sourceField}
	res, err := ix.allIndex().SearchInContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("getting doc %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return "", fmt.Errorf("getting doc %s: %w", id, ErrNotFound)
	}
	js, _ := res.Hits[0].Fields[sourceField].(string)
	return js, nil
}

func get(ctx context.Context, idx bleve.Index, id string) (analysis.Doc, error) {
	req := bleve.NewSearchRequest(query.NewDocIDQuery([]string{id}))
	req.Fields = storedFields
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return analysis.Doc{}, fmt.Errorf("getting doc %s: %w", id, err)
	}
	if len(res.Hits) == 0 && res.Status != nil && res.Status.Failed > 0 {
		return analysis.Doc{}, fmt.Errorf("getting doc %s: %d partitions failed: %v", id, res.Status.Failed, res.Status.Errors)
	}
	if len(res.Hits) == 0 {
		return analysis.Doc{}, fmt.Errorf("getting doc %s: %w", id, ErrNotFound)
	}
	return decodeStored(id, res.Hits[0].Fields)
}

var storedFields = []string{fieldText, fieldTitle, sourceField}
