package localstate

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/yuqing-dev/yuqing/internal/testclock"
	"github.com/yuqing-dev/yuqing/state"
	"github.com/yuqing-dev/yuqing/state/statetest"
)

func TestContract(t *testing.T) {
	for name, opts := range map[string]Options{
		"DefaultOptions": {},
		// A sweeper running every few milliseconds races every operation.
		"BusySweeper": {SweepInterval: 2 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			statetest.Run(t, func(t *testing.T) state.Store {
				return open(t, filepath.Join(t.TempDir(), "state.db"), opts)
			})
		})
	}
}

// The contract again through the Store interface alone, so state.SetMany
// and state.GetMany take their key-by-key fallbacks.
func TestContractWithoutBatchMethods(t *testing.T) {
	statetest.Run(t, func(t *testing.T) state.Store {
		return struct{ state.Store }{open(t, filepath.Join(t.TempDir(), "state.db"), Options{})}
	})
}

func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
}

func open(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func wantGet(t *testing.T, s *Store, k, want string) {
	t.Helper()
	got, err := s.Get(context.Background(), k)
	if err != nil || string(got) != want {
		t.Fatalf("Get(%q) = %q, %v; want %q", k, got, err, want)
	}
}

func wantMissing(t *testing.T, s *Store, k string) {
	t.Helper()
	if got, err := s.Get(context.Background(), k); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", k, got, err)
	}
}

func TestReopenKeepsValuesAndExpiries(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "state.db")
	opts := Options{Now: clock.Now, SweepInterval: -1}

	s := open(t, path, opts)
	must(t, s.Set(ctx, "cursor", []byte("page=7"), 0))
	must(t, s.Set(ctx, "hour", []byte("v"), time.Hour))
	if ok, err := s.SetNX(ctx, "fingerprint", []byte("1"), 2*time.Hour); err != nil || !ok {
		t.Fatalf("SetNX = %v, %v", ok, err)
	}
	if _, err := s.IncrBy(ctx, "counter", 5, time.Hour); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.AcquireLease(ctx, "lease", "replica-1", time.Hour); err != nil || !ok {
		t.Fatalf("AcquireLease = %v, %v", ok, err)
	}
	must(t, s.Close())

	s = open(t, path, opts)
	defer s.Close()
	wantGet(t, s, "cursor", "page=7")
	wantGet(t, s, "hour", "v")
	wantGet(t, s, "counter", "5")
	if ok, err := s.SetNX(ctx, "fingerprint", []byte("2"), time.Hour); err != nil || ok {
		t.Fatalf("SetNX of a fingerprint stored before reopen = %v, %v; want false", ok, err)
	}
	if ok, err := s.AcquireLease(ctx, "lease", "replica-2", time.Hour); err != nil || ok {
		t.Fatalf("another owner took a lease held before reopen: %v, %v", ok, err)
	}

	// The expiries survived exactly: live just before, gone at the hour.
	clock.Advance(time.Hour - time.Nanosecond)
	wantGet(t, s, "hour", "v")
	clock.Advance(time.Nanosecond)
	wantMissing(t, s, "hour")
	wantMissing(t, s, "counter")
	if ok, err := s.AcquireLease(ctx, "lease", "replica-2", time.Hour); err != nil || !ok {
		t.Fatalf("lease did not expire after reopen: %v, %v", ok, err)
	}
	wantGet(t, s, "fingerprint", "1")
	clock.Advance(time.Hour)
	wantMissing(t, s, "fingerprint")
	wantGet(t, s, "cursor", "page=7")
}

// count returns the number of entries in the record and expiry buckets.
func count(t *testing.T, s *Store) (records, indexed int) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		records = tx.Bucket(kvBucket).Stats().KeyN
		indexed = tx.Bucket(expBucket).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return records, indexed
}

func TestSweeperRemovesExpiredEntries(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := open(t, filepath.Join(t.TempDir(), "state.db"), Options{Now: clock.Now, SweepInterval: 5 * time.Millisecond})
	defer s.Close()

	for i := range 3 {
		must(t, s.Set(ctx, fmt.Sprint("minute", i), []byte("v"), time.Minute))
	}
	if _, err := s.IncrBy(ctx, "counter", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	must(t, s.Set(ctx, "forever", []byte("v"), 0))
	must(t, s.Set(ctx, "later", []byte("v"), 2*time.Hour))
	// Overwriting moves the index entry: "moved" must survive the sweep.
	must(t, s.Set(ctx, "moved", []byte("v"), time.Minute))
	must(t, s.Set(ctx, "moved", []byte("v"), 2*time.Hour))
	if r, i := count(t, s); r != 7 || i != 6 {
		t.Fatalf("before expiry: %d records, %d indexed; want 7, 6", r, i)
	}

	clock.Advance(2 * time.Minute)
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, i := count(t, s)
		if r == 3 && i == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after expiry: %d records, %d indexed; want 3, 2", r, i)
		}
		time.Sleep(5 * time.Millisecond)
	}
	wantGet(t, s, "forever", "v")
	wantGet(t, s, "later", "v")
	wantGet(t, s, "moved", "v")
}

func TestSweepWorksInBatches(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := open(t, filepath.Join(t.TempDir(), "state.db"), Options{Now: clock.Now, SweepInterval: -1})
	defer s.Close()
	const n = 2*sweepBatch + 17
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := txBuckets(tx)
		if err != nil {
			return err
		}
		for i := range n {
			if err := b.put(fmt.Appendf(nil, "k%d", i), []byte("v"), expiryFor(clock.Now(), time.Second)); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	must(t, s.Set(ctx, "forever", []byte("v"), 0))

	clock.Advance(time.Second)
	removed, err := s.sweep()
	must(t, err)
	if removed != n {
		t.Fatalf("sweep removed %d, want %d", removed, n)
	}
	if r, i := count(t, s); r != 1 || i != 0 {
		t.Fatalf("after sweep: %d records, %d indexed; want 1, 0", r, i)
	}
}

func TestOpenRejectsOtherFormatVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	must(t, open(t, path, Options{}).Close())
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(metaBucket).Put(versionKey, binary.BigEndian.AppendUint64(nil, formatVersion+1))
	}))
	must(t, db.Close())
	if s, err := Open(path, Options{}); err == nil {
		s.Close()
		t.Fatal("Open accepted a file with another format version")
	} else if !strings.Contains(err.Error(), path) {
		t.Errorf("Open error %q does not name the file", err)
	}
}

// killEnv makes the test binary act as the child of TestSurvivesKill9.
const killEnv = "LOCALSTATE_KILL9_CHILD"

func TestSurvivesKill9(t *testing.T) {
	if path := os.Getenv(killEnv); path != "" {
		kill9Child(path)
		return
	}
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesKill9$")
	cmd.Env = append(os.Environ(), killEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "written" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not report its writes: %q, %v; stderr:\n%s", line, err, stderr.String())
	}
	must(t, cmd.Process.Kill()) // SIGKILL: no deferred Close, no cleanup
	_ = cmd.Wait()

	s := open(t, path, Options{})
	defer s.Close()
	for i := range 100 {
		wantGet(t, s, fmt.Sprint("cursor", i), fmt.Sprint("page", i))
	}
	wantGet(t, s, "counter", "100")
}

// kill9Child writes and reports it, then waits to be killed with the store
// still open.
func kill9Child(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	for i := range 100 {
		if err := s.Set(ctx, fmt.Sprint("cursor", i), fmt.Appendf(nil, "page%d", i), 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if _, err := s.IncrBy(ctx, "counter", 1, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Println("written")
	time.Sleep(time.Minute)
	os.Exit(1)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSetNX measures SetNX from one goroutine and from 32 at once:
// concurrent writers share a transaction and its fsync.
func BenchmarkSetNX(b *testing.B) {
	for _, par := range []int{1, 32} {
		b.Run(fmt.Sprintf("goroutines-per-cpu=%d", par), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "state.db"), Options{SweepInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(par)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := fmt.Sprintf("k%d", n.Add(1))
					if _, err := s.SetNX(ctx, k, []byte("v"), time.Hour); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
