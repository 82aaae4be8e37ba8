package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/state"
)

// pinger is a bus that can check its cluster (Kafka).
type pinger interface {
	Ping(ctx context.Context, topics ...string) error
}

// checkHealth asks what this process depends on whether it answers: the
// shared state, the Kafka cluster and, for the index role, the index.
func (a *App) checkHealth(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := a.state.Get(ctx, "health:ping"); err != nil && !errors.Is(err, state.ErrNotFound) {
		return fmt.Errorf("state (%s) does not answer: %w", a.cfg.State.Type, err)
	}
	if p, ok := a.bus.(pinger); ok {
		t := a.cfg.Bus.Topics
		if err := p.Ping(ctx, t.Raw, t.Docs); err != nil {
			return fmt.Errorf("bus does not answer: %w", err)
		}
	}
	if a.cfg.Runs(configs.RoleIndex) {
		if a.index == nil {
			return errors.New("index is not open")
		}
		if err := checkFree(filepath.Join(a.cfg.DataDir, "index"), a.cfg.Index.MinFreeBytes); err != nil {
			return err
		}
	}
	return nil
}

// healthLoop re-checks the dependencies every interval; /readyz answers
// 503 with the reason while one fails.
func (a *App) healthLoop(ctx context.Context, interval time.Duration) {
	every(ctx, interval, func(ctx context.Context) {
		err := a.checkHealth(ctx)
		prev, _ := a.unhealthy.Load().(string)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != prev {
			if err != nil {
				a.log.WarnContext(ctx, "not ready", "err", err)
			} else {
				a.log.InfoContext(ctx, "dependencies answer again")
			}
		}
		a.unhealthy.Store(msg)
	})
}
