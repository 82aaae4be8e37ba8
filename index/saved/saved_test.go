package saved

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/testredis"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/localstate"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

func stores(t *testing.T) map[string]state.Store {
	local, err := localstate.Open(filepath.Join(t.TempDir(), "state.db"), localstate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	rs, err := redisstate.New(redisstate.Config{Addr: testredis.Start(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	return map[string]state.Store{"local": local, "redis": rs}
}

func TestCreateListGetDelete(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			noBadWords := func(q string) error {
				if strings.Contains(q, "((") {
					return errors.New(`at 0: expected a word`)
				}
				return nil
			}
			s := New(st, noBadWords)
			clock := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
			s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
			a, err := s.Create(ctx, Search{Name: " 杭州火灾 ", Query: "火灾 region:杭州", Owner: "analyst1"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Create(ctx, Search{Name: "电诈", Query: "category:fraud", Owner: "analyst2"})
			if err != nil {
				t.Fatal(err)
			}
			if a.ID == b.ID || a.Name != "杭州火灾" || a.CreatedAt.IsZero() {
				t.Fatalf("created %+v %+v", a, b)
			}
			list, err := s.List(ctx)
			if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
				t.Fatalf("list %+v %v", list, err)
			}
			got, err := s.Get(ctx, b.ID)
			if err != nil || got != b {
				t.Fatalf("get %+v %v, want %+v", got, err, b)
			}
			for _, bad := range []Search{{Query: "x", Owner: "o"}, {Name: "n", Query: "((", Owner: "o"}, {Name: "n", Query: "x"}} {
				var ie *InvalidError
				if _, err := s.Create(ctx, bad); !errors.As(err, &ie) {
					t.Errorf("Create(%+v) = %v, want an InvalidError", bad, err)
				}
			}
			if err := s.Delete(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, a.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second delete: %v", err)
			}
			if _, err := s.Get(ctx, a.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("get deleted: %v", err)
			}
			if list, _ := s.List(ctx); len(list) != 1 || list[0].ID != b.ID {
				t.Fatalf("list after delete %+v", list)
			}
		})
	}
}
