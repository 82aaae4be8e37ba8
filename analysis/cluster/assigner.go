package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/state"
)

// ErrEmptyDocID is returned by Assign and AssignBatch for an empty
// document id.
var ErrEmptyDocID = errors.New("cluster: empty doc id")

// claimAttempts bounds how often Assign retries claiming a doc key that
// expires between a failed SetNX and the Get that reads it.
const claimAttempts = 3

// Assigner gives documents near-duplicate cluster ids, keeping its index
// in a state.Store shared by every analysis replica. It is safe for
// concurrent use.
//
// Store layout, all keys under Options.KeyPrefix and with TTL Window:
//   - "doc:"+id holds the cluster id given to document id (and the hash it
//     had). Assign claims it with SetNX before it writes anything else, so
//     whichever replica claims it first decides, and every later call, on
//     any replica, returns what it holds.
//   - one key per band value (see layout) holds up to 16 entries (hash,
//     time, id) of documents that started a cluster. A document that joins
//     a cluster writes no band key: clusters are stars around their first
//     document and cannot drift.
type Assigner struct {
	store  state.Store
	opts   Options
	layout layout
	m      *metrics
}

// New returns an Assigner over store. It fails, wrapping
// ErrInvalidOptions, if o is invalid.
func New(store state.Store, o Options) (*Assigner, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidOptions)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Assigner{store: store, opts: o, layout: newLayout(o.MaxDistance), m: newMetrics(o.Registerer)}, nil
}

// Assign returns the cluster id for document docID with SimHash hash and
// time at (its publication or receipt time, the same for every replica):
// the id of the earliest-seen document within MaxDistance whose time is
// within Window of at, or docID itself when it is the first of its kind.
// "Earliest-seen" is the first assigned; among several candidates the one
// with the earliest time wins (then the smaller id), so replicas agree.
//
// It is idempotent: while the doc key lives (Window after the first call)
// Assign(docID, …) returns the first result again, whatever hash and at,
// and two Assigners on one store calling it concurrently get the same
// answer. Hash 0 (a document without features, see simhash.Of) is never
// clustered: Assign returns docID without touching the store.
//
// Cost, with b = min(MaxDistance+1, 4) band keys (4 by default): Assign
// issues the calls of each step concurrently, so a Redis store pays one
// network round trip per step:
//   - every document: b+1 GETs (band keys and doc key);
//   - a document seen before stops there: 1 round trip, no writes;
//   - a document that joins a cluster: then 1 SETNX: 2 round trips,
//     b+2 commands, 1 write;
//   - a document that starts a cluster: then 1 SETNX and b SETs: 3 round
//     trips, 2b+2 commands, b+1 writes.
//
// A SETNX that loses a race costs one more GET. To assign many documents,
// AssignBatch does the same work in 3–4 steps for the whole batch.
//
// The band SETs read-modify-write: a band value written by two new
// clusters within the same few milliseconds can lose one of them, which
// then stays findable through its other bands. Two near-duplicates
// assigned at the same moment on different replicas can both start a
// cluster; each later repost joins the earlier one.
//
// On error (a cancelled ctx, a closed or unreachable store) nothing is
// returned and the document may or may not be recorded; calling Assign
// again with the same arguments is safe.
func (a *Assigner) Assign(ctx context.Context, docID string, hash uint64, at time.Time) (string, error) {
	ids, err := a.AssignBatch(ctx, []Doc{{ID: docID, Hash: hash, At: at}})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// assignment is what a doc key holds: the document's cluster and the hash
// it was assigned with, encoded as the cluster id followed by the hash as
// 8 big-endian bytes.
type assignment struct {
	id   string
	hash uint64
}

func (as assignment) encode() []byte {
	return binary.BigEndian.AppendUint64([]byte(as.id), as.hash)
}

func decodeAssignment(v []byte) (assignment, error) {
	if len(v) <= 8 {
		return assignment{}, fmt.Errorf("doc key value of %d bytes: %w", len(v), errBadValue)
	}
	n := len(v) - 8
	return assignment{id: string(v[:n]), hash: binary.BigEndian.Uint64(v[n:])}, nil
}

// claim stores as under the doc key unless it holds an assignment
// already, and returns what it holds and whether this call wrote it.
func (a *Assigner) claim(ctx context.Context, key string, as assignment) (assignment, bool, error) {
	for range claimAttempts {
		ok, err := a.store.SetNX(ctx, key, as.encode(), a.opts.Window)
		if err != nil {
			return assignment{}, false, fmt.Errorf("claiming doc key %s: %w", key, err)
		}
		if ok {
			return as, true, nil
		}
		v, err := a.store.Get(ctx, key)
		if errors.Is(err, state.ErrNotFound) {
			continue // expired since the SetNX; claim again
		}
		if err == nil {
			as, err = decodeAssignment(v)
		}
		if err != nil {
			return assignment{}, false, fmt.Errorf("reading doc key %s: %w", key, err)
		}
		return as, false, nil
	}
	return assignment{}, false, fmt.Errorf("claiming doc key %s: it expired %d times in a row (Window %v too short?)", key, claimAttempts, a.opts.Window)
}

// maxInFlight bounds the store calls one Assign or AssignBatch has in
// flight at once.
const maxInFlight = 256

// each runs f(0) … f(n-1), up to maxInFlight at a time, and returns the
// first error by index (a cancelled context fails every call alike).
func each(n int, f func(i int) error) error {
	if n == 1 {
		return f(0)
	}
	errs := make([]error, n)
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = f(i)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
