// Package saved keeps analysts' saved searches: a name, a query in the
// analysts' query language, an owner and when it was made. They live in the
// shared state (Redis in distributed mode, the local store when embedded)
// so every API replica sees the same list; alert rules and report sections
// refer to them by id.
package saved

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/state"
)

// Search is one saved search. Field names are part of the public API.
type Search struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Query     string    `json:"query"`
	Owner     string    `json:"owner"`
	CreatedAt time.Time `json:"created_at"`
}

// ErrNotFound is returned for an id that is not saved.
var ErrNotFound = errors.New("saved search not found")

// InvalidError says which field of a saved search is wrong.
type InvalidError struct {
	Field, Msg string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Msg }

// Store saves searches in a state.Store under KeyPrefix.
type Store struct {
	st state.Store
	// Validate checks a query (the search API's parser); nil accepts any.
	validate func(q string) error
	now      func() time.Time
}

// KeyPrefix prefixes the keys of saved searches in the state store.
const KeyPrefix = "searches:"

// Limits on fields.
const (
	MaxName  = 200
	MaxQuery = 4096
)

// New returns a Store over st; validate checks queries before they are saved.
func New(st state.Store, validate func(q string) error) *Store {
	return &Store{st: st, validate: validate, now: time.Now}
}

// Create validates and saves s with a new id and the current time.
func (s *Store) Create(ctx context.Context, in Search) (Search, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Owner = strings.TrimSpace(in.Owner)
	switch {
	case in.Name == "":
		return Search{}, &InvalidError{"name", "is required"}
	case utf8.RuneCountInString(in.Name) > MaxName:
		return Search{}, &InvalidError{"name", fmt.Sprintf("is longer than %d characters", MaxName)}
	case len(in.Query) > MaxQuery:
		return Search{}, &InvalidError{"query", fmt.Sprintf("is longer than %d bytes", MaxQuery)}
	case in.Owner == "":
		return Search{}, &InvalidError{"owner", "is required"}
	}
	if s.validate != nil {
		if err := s.validate(in.Query); err != nil {
			return Search{}, &InvalidError{"query", err.Error()}
		}
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Search{}, fmt.Errorf("making saved search id: %w", err)
	}
	in.ID = "s" + hex.EncodeToString(b[:])
	in.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	v, err := json.Marshal(in)
	if err != nil {
		return Search{}, fmt.Errorf("encoding saved search: %w", err)
	}
	ok, err := s.st.SetNX(ctx, KeyPrefix+in.ID, v, 0)
	if err != nil {
		return Search{}, fmt.Errorf("saving search %q: %w", in.Name, err)
	}
	if !ok {
		return Search{}, fmt.Errorf("saving search %q: id %s already taken", in.Name, in.ID)
	}
	return in, nil
}

// Get returns the saved search id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Search, error) {
	v, err := s.st.Get(ctx, KeyPrefix+id)
	if errors.Is(err, state.ErrNotFound) {
		return Search{}, fmt.Errorf("saved search %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Search{}, fmt.Errorf("reading saved search %s: %w", id, err)
	}
	var out Search
	if err := json.Unmarshal(v, &out); err != nil {
		return Search{}, fmt.Errorf("decoding saved search %s: %w", id, err)
	}
	return out, nil
}

// List returns every saved search, oldest first.
func (s *Store) List(ctx context.Context) ([]Search, error) {
	keys, err := s.st.Keys(ctx, KeyPrefix)
	if err != nil {
		return nil, fmt.Errorf("listing saved searches: %w", err)
	}
	out := make([]Search, 0, len(keys))
	for _, k := range keys {
		ss, err := s.Get(ctx, strings.TrimPrefix(k, KeyPrefix))
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	sortByCreated(out)
	return out, nil
}

// Delete removes the saved search id; ErrNotFound if there is none.
func (s *Store) Delete(ctx context.Context, id string) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	if err := s.st.Delete(ctx, KeyPrefix+id); err != nil {
		return fmt.Errorf("deleting saved search %s: %w", id, err)
	}
	return nil
}

func sortByCreated(ss []Search) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && (ss[j].CreatedAt.Before(ss[j-1].CreatedAt) ||
			ss[j].CreatedAt.Equal(ss[j-1].CreatedAt) && ss[j].ID < ss[j-1].ID); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
