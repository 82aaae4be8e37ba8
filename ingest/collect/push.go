package collect

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

// Push errors, each answered with its own status by the API.
var (
	ErrUnknownSource = errors.New("no push source of that name")
	ErrBadToken      = errors.New("missing or wrong push token")
)

// PushResult says what happened to each record of a push.
type PushResult struct {
	// IDs are the ids of the accepted records, duplicates included (they
	// were received; an earlier copy went through).
	IDs        []string
	Duplicates int
	Rejects    []ingest.Reject
}

// Pusher receives the http_push sources: partners and SMS gateways POST
// batches that are mapped, deduplicated and produced like any source's.
type Pusher struct {
	r       *Runner
	sources map[string]pushSource
	mu      sync.Mutex // serialises status updates of one process
}

type pushSource struct {
	cfg   configs.Source
	token []byte
}

// NewPusher returns the receiver of the runner's enabled http_push
// sources; getenv resolves token_env.
func (r *Runner) NewPusher(getenv func(string) string) *Pusher {
	p := &Pusher{r: r, sources: map[string]pushSource{}}
	for _, src := range r.srcs {
		if src.Type == configs.SourceHTTPPush && src.IsEnabled() {
			p.sources[src.Name] = pushSource{cfg: src, token: []byte(src.PushToken(getenv))}
		}
	}
	return p
}

// Push maps, checks and produces one request body of source name. It
// returns once the accepted records are durable. An error other than
// ErrUnknownSource and ErrBadToken means nothing was accepted.
func (p *Pusher) Push(ctx context.Context, name, token string, body []byte) (PushResult, error) {
	ps, ok := p.sources[name]
	if !ok {
		return PushResult{}, fmt.Errorf("%w: %q", ErrUnknownSource, name)
	}
	if len(ps.token) == 0 || subtle.ConstantTimeCompare([]byte(token), ps.token) != 1 {
		return PushResult{}, ErrBadToken
	}
	r := p.r
	src := ps.cfg
	kind := src.Kind
	if kind == "" {
		kind = ingest.KindPost
	}
	b := ingest.ParseFrom(body, r.o.Now().UTC(), r.o.Limits, ingest.Origin{Source: src.Name, Kind: kind,
		Region: src.Region, Labels: src.Labels, Mapping: src.Mapping})
	out, err := r.deliver.deliver(ctx, src, b.Posts)
	if err == nil && out.claim != nil {
		// durable: a retry of this request is now dropped as a duplicate
		err = out.claim(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	st, serr := r.book.load(ctx, src)
	now := r.o.Now()
	if err != nil {
		if serr == nil && ctx.Err() == nil { // a client that hung up is not the source failing
			recordFailure(&st, now, err)
			_ = r.book.save(context.WithoutCancel(ctx), st)
		}
		return PushResult{}, err
	}
	r.count(ctx, src, r.log.With("source", src.Name, "type", src.Type), b.Rejects, out)
	if serr == nil {
		recordSuccess(&st, src, now, len(out.produced))
		judge(&st, src, now)
		if err := r.book.save(ctx, st); err != nil {
			r.log.WarnContext(ctx, "saving source status", "source", src.Name, "err", err)
		}
	}
	res := PushResult{Duplicates: len(out.dups), Rejects: slices.Concat(b.Rejects, out.rejects)}
	for _, post := range out.produced {
		res.IDs = append(res.IDs, post.ID)
	}
	for _, post := range out.dups {
		res.IDs = append(res.IDs, post.ID)
	}
	return res, nil
}
