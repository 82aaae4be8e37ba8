// Package probe asks a running yuqing server how it is doing over its
// public HTTP interface: is it ready, how many documents has it indexed.
// Benchmarks and tests use it to wait for a server without reaching into
// its internals.
package probe

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/encoding/json"
)

// WaitReady polls base+"/readyz" every interval until it answers 200 or
// ctx ends.
func WaitReady(ctx context.Context, base string, interval time.Duration) error {
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s/readyz: %w (last error: %v)", base, ctx.Err(), err)
		case <-time.After(interval):
		}
	}
}

// Total asks the server's search API how many documents its index holds.
func Total(base string) (int, error) {
	resp, err := http.Get(base + "/api/v1/search?size=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, fmt.Errorf("decoding search answer (%s): %w", resp.Status, err)
	}
	return r.Total, nil
}

// Indexed reads from /metrics how many records the index stage has
// committed since the server started. It is much cheaper than a search,
// so it suits tight polling loops; confirm with Total at the end.
func Indexed(base string) (int, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	const prefix = `yuqing_stage_records_total{stage="index"} `
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("parsing metric %q: %w", sc.Text(), err)
			}
			return int(f), nil
		}
	}
	return 0, sc.Err() // not exported before the first batch
}

// WaitIndexed polls Indexed every interval until the index stage has
// committed at least n records since start, then checks with Total that
// the index holds at least want documents.
func WaitIndexed(ctx context.Context, base string, n, want int, interval time.Duration) error {
	for {
		got, err := Indexed(base)
		if err != nil {
			return err
		}
		if got >= n {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d indexed records (have %d): %w", n, got, ctx.Err())
		case <-time.After(interval):
		}
	}
	for {
		total, err := Total(base)
		if err != nil {
			return err
		}
		if total >= want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d searchable docs (have %d): %w", want, total, ctx.Err())
		case <-time.After(interval):
		}
	}
}
