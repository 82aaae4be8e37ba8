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

// backlogMeter keeps the records accepted but not yet analysed and
// indexed, refreshed every interval: the lag of this process's own stage
// consumers, or of the analyze and index groups asked of Kafka when the
// stages run elsewhere.
type backlogMeter struct {
	value atomic.Int64
}

func (a *App) backlog() int64 { return a.backlogs.value.Load() }

// measureBacklog refreshes the backlog until ctx is done.
func (a *App) measureBacklog(ctx context.Context, interval time.Duration) {
	t := a.cfg.Bus.Topics
	stages := []struct{ name, topic string }{{"analyze", t.Raw}, {"index", t.Docs}}
	every(ctx, interval, func(ctx context.Context) {
		var total int64
		for _, st := range stages {
			if c, ok := a.consumers.Load(st.name); ok {
				total += max(c.(bus.Consumer).Lag(), 0)
				continue
			}
			gl, ok := a.bus.(groupLagger)
			if !ok || a.cfg.Bus.Type != configs.BusKafka {
				continue
			}
			qctx, cancel := context.WithTimeout(ctx, interval)
			lag, err := gl.GroupLag(qctx, a.group(st.name), st.topic)
			cancel()
			if err != nil {
				a.log.DebugContext(ctx, "measuring backlog", "stage", st.name, "err", err)
				continue
			}
			total += lag
		}
		a.backlogs.value.Store(total)
	})
}
