package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/yuqing-dev/yuqing/analysis"
)

// ErrNotFound is returned by Get for an id that is not in the index.
var ErrNotFound = errors.New("document not found")

// Index is the bleve full-text index of Docs. It is safe for concurrent
// use: batches and searches may run at the same time.
type Index struct {
	idx     bleve.Index
	mapping mapping.IndexMapping
	log     *slog.Logger

	closeOnce sync.Once
	closeErr  error
}

// Open opens the index at dir, creating it with NewMapping when dir does
// not exist. The gse dictionary is loaded on the first open in a process.
func Open(dir string, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var (
		idx bleve.Index
		err error
	)
	if _, statErr := os.Stat(dir); errors.Is(statErr, os.ErrNotExist) {
		idx, err = bleve.New(dir, NewMapping())
	} else {
		idx, err = bleve.Open(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", dir, err)
	}
	return &Index{idx: idx, mapping: idx.Mapping(), log: log}, nil
}

// Close closes the index after persisting what was batched. Calling it
// again returns the first call's result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		if err := ix.idx.Close(); err != nil {
			ix.closeErr = fmt.Errorf("closing index: %w", err)
		}
	})
	return ix.closeErr
}

// Index adds or replaces docs in one batch. It returns when the batch is
// persisted on disk, so the caller may then commit its input offsets.
// A doc that cannot be mapped fails the whole batch with its id named.
func (ix *Index) Index(ctx context.Context, docs []analysis.Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := ix.idx.NewBatch()
	for i := range docs {
		doc, err := buildDocument(ix.mapping, &docs[i])
		if err != nil {
			return err
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("adding doc %s to batch: %w", docs[i].ID, err)
		}
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("indexing batch of %d docs: %w", len(docs), err)
	}
	return nil
}

// Count is the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("counting docs: %w", err)
	}
	return n, nil
}

// Get returns the stored doc with id (without tokens), or ErrNotFound.
func (ix *Index) Get(ctx context.Context, id string) (analysis.Doc, error) {
	req := bleve.NewSearchRequest(query.NewDocIDQuery([]string{id}))
	req.Fields = storedFields
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return analysis.Doc{}, fmt.Errorf("getting doc %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return analysis.Doc{}, fmt.Errorf("getting doc %s: %w", id, ErrNotFound)
	}
	return decodeStored(id, res.Hits[0].Fields)
}

var storedFields = []string{fieldText, fieldTitle, sourceField}
