package collect

import (
	"context"
	"fmt"
	"sort"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

// Source reads items from outside yuqing.
type Source interface {
	// Read returns the next batch after cursor (nil on the first read
	// ever). It returns what is there now and does not wait for more,
	// except a streamed source (kafka), which may wait a moment for its
	// first record. An error ends this poll; the Runner retries later
	// from the same cursor.
	Read(ctx context.Context, cursor []byte) (Batch, error)
}

// Batch is what one Read returned.
type Batch struct {
	// Posts are the valid items, with ids (ingest's id scheme: given, or
	// from source+url, or from the content).
	Posts []ingest.Post
	// Rejects are items that could not be turned into Posts; they are
	// counted and logged, never stall the rest. Index is the item's
	// position in what the source read (its line, for a file).
	Rejects []ingest.Reject
	// Cursor is the source's position after this batch, stored once the
	// Posts are durable on the raw topic and passed to the next Read.
	// nil keeps the previous cursor.
	Cursor []byte
	// More asks for another Read right away (a long file, a list's next
	// page, a stream); false ends this poll.
	More bool
	// Ack, when set, is called after the Posts are durable and Cursor is
	// stored: a file is moved to done/, a Kafka offset committed. A failed
	// Ack is logged and retried by the next Read (which must tolerate
	// that).
	Ack func(ctx context.Context) error
}

// Closer is implemented by sources holding resources (a Kafka reader).
type Closer interface {
	Close() error
}

// Factory builds a Source from its config. It validates what the config
// loader cannot (a selector that does not compile) and returns an error
// naming the field.
type Factory func(src configs.Source) (Source, error)

// Registry maps source types to factories.
type Registry struct {
	factories map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{factories: map[string]Factory{}} }

// Register adds a source type; registering a type twice panics (it is a
// programming error, found at start).
func (r *Registry) Register(typ string, f Factory) {
	if _, dup := r.factories[typ]; dup {
		panic("collect: source type " + typ + " registered twice")
	}
	r.factories[typ] = f
}

// Types returns the registered types, sorted.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.factories))
	for t := range r.factories {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Build returns the Source of src.
func (r *Registry) Build(src configs.Source) (Source, error) {
	f, ok := r.factories[src.Type]
	if !ok {
		return nil, fmt.Errorf("source %s: type %q is not registered (have %v)", src.Name, src.Type, r.Types())
	}
	s, err := f(src)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	return s, nil
}
