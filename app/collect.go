package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/ingest/fetch"
	"github.com/yuqing-dev/yuqing/ingest/filesrc"
	"github.com/yuqing-dev/yuqing/ingest/kafkasrc"
	"github.com/yuqing-dev/yuqing/ingest/rss"
	"github.com/yuqing-dev/yuqing/ingest/web"
)

// sourceRegistry returns the source types this binary collects.
func (a *App) sourceRegistry() *collect.Registry {
	reg := collect.NewRegistry()
	lim := a.cfg.Ingest.Limits()
	fo := fetch.FromConfig(a.cfg.Collect)
	fo.Logger = a.log
	fc := fetch.New(fo) // one client: per-host limits hold across sources
	reg.Register(configs.SourceRSS, func(src configs.Source) (collect.Source, error) {
		return rss.New(src, fc, lim, time.Now)
	})
	reg.Register(configs.SourceWeb, func(src configs.Source) (collect.Source, error) {
		return web.New(src, fc, lim, time.Now)
	})
	reg.Register(configs.SourceFile, func(src configs.Source) (collect.Source, error) {
		return filesrc.New(src, lim, time.Now, a.log.With("source", src.Name))
	})
	reg.Register(configs.SourceKafka, func(src configs.Source) (collect.Source, error) {
		return kafkasrc.New(src, lim, time.Now, a.log.With("source", src.Name))
	})
	return reg
}

// replicaID names this process in leases: host, pid and a random part,
// so that a restarted process does not inherit its predecessor's leases.
func replicaID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// startCollectors builds the sources and, with the collect role, runs
// them on stageCtx; with the api role the pusher serves http_push sources
// from then on.
func (a *App) startCollectors(stageCtx context.Context, wg *sync.WaitGroup, run bool) error {
	soft, err := a.softState()
	if err != nil {
		return err
	}
	loc, _ := a.cfg.Index.Location() // valid: New validated cfg
	r, err := collect.NewRunner(collect.Options{State: a.state, Dedup: soft, Producer: a.bus,
		RawTopic: a.cfg.Bus.Topics.Raw, Owner: a.owner, Collect: a.cfg.Collect, Limits: a.cfg.Ingest.Limits(),
		Location: loc, Logger: a.log, Registerer: a.reg}, a.sourceRegistry(), a.cfg.Sources)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	if a.cfg.Runs(configs.RoleAPI) {
		a.pusher.Store(r.NewPusher(os.Getenv))
	}
	if run {
		wg.Go(func() { r.Run(stageCtx) })
	}
	return nil
}

// sourceStatuses serves GET /api/v1/sources from the shared state.
func (a *App) sourceStatuses(ctx context.Context) ([]collect.Status, error) {
	loc, _ := a.cfg.Index.Location()
	return collect.Statuses(ctx, a.state, loc, a.cfg.Sources, time.Now())
}

// lazyPusher answers 503 until the collectors are set up.
type lazyPusher struct{ a *App }

func (l lazyPusher) Push(ctx context.Context, name, token string, body []byte) (collect.PushResult, error) {
	p := l.a.pusher.Load()
	if p == nil {
		return collect.PushResult{}, errors.New("collectors are starting")
	}
	return p.Push(ctx, name, token, body)
}

var _ api.Pusher = lazyPusher{}

// hasPushSources reports whether any http_push source is configured.
func hasPushSources(srcs []configs.Source) bool {
	for _, s := range srcs {
		if s.Type == configs.SourceHTTPPush {
			return true
		}
	}
	return false
}
