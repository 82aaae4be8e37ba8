package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// filesFingerprint identifies the current content of the files matching
// globs (names, sizes, modification times), so a change can be noticed
// cheaply.
func filesFingerprint(globs []string) string {
	h := sha256.New()
	for _, g := range globs {
		paths, _ := filepath.Glob(g)
		for _, p := range paths {
			fi, err := os.Stat(p)
			if err != nil {
				fmt.Fprintf(h, "%s\x00missing\n", p)
				continue
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// watchFiles calls reload every interval (0: never) when the files
// matching globs changed, until ctx ends. Dictionaries and alert rules are
// reloaded this way without a restart; SIGHUP reloads everything at once
// (App.Reload).
func watchFiles(ctx context.Context, globs []string, interval time.Duration, reload func(ctx context.Context, why string)) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	last := filesFingerprint(globs)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if fp := filesFingerprint(globs); fp != last {
				last = fp
				reload(ctx, "files changed")
			}
		}
	}
}

// onSIGHUP calls fn on every SIGHUP until ctx ends.
func onSIGHUP(ctx context.Context, fn func(ctx context.Context)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			fn(ctx)
		}
	}
}

// every calls fn every d until ctx ends. The loops of the server (bus
// trimming, alert ticks, escalation) run on it.
func every(ctx context.Context, d time.Duration, fn func(ctx context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
