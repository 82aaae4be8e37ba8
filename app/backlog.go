package app

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/configs"
)

// groupLagger is a bus that reports any group's lag (Kafka).
type groupLagger interface {
	GroupLag(ctx context.Context, group, topic string) (int64, error)
}

// backlogStages are the stages whose input counts as the backlog: the
// records accepted but not yet analysed, and those analysed but not yet
// indexed.
var backlogStages = []string{"analyze", "index"}

// remoteBacklog is the lag of the backlog stages this process does not
// run, asked of Kafka every interval.
type remoteBacklog struct{ value atomic.Int64 }

// backlog is what ingest back-pressure compares with ingest.max_backlog:
// this process's own stage consumers' lag, read at once, plus the last
// measured lag of the stages that run elsewhere.
func (a *App) backlog() int64 {
	total := a.remote.value.Load()
	for _, st := range backlogStages {
		if c, ok := a.consumers.Load(st); ok {
			total += max(c.(bus.Consumer).Lag(), 0)
		}
	}
	return total
}

// measureRemoteBacklog refreshes the lag of the backlog stages that run
// in other processes until ctx is done.
func (a *App) measureRemoteBacklog(ctx context.Context, interval time.Duration) {
	gl, ok := a.bus.(groupLagger)
	if !ok || a.cfg.Bus.Type != configs.BusKafka {
		return
	}
	t := a.cfg.Bus.Topics
	topics := map[string]string{"analyze": t.Raw, "index": t.Docs}
	every(ctx, interval, func(ctx context.Context) {
		var total int64
		for _, st := range backlogStages {
			if _, local := a.consumers.Load(st); local {
				continue
			}
			qctx, cancel := context.WithTimeout(ctx, interval)
			lag, err := gl.GroupLag(qctx, a.group(st), topics[st])
			cancel()
			if err != nil {
				a.log.DebugContext(ctx, "measuring backlog", "stage", st, "err", err)
				continue
			}
			total += lag
		}
		a.remote.value.Store(total)
	})
}
