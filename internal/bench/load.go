package bench

import (
	"context"
	"encoding/json" // omitzero: ingested_at is the server's to set
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/probe"
	"github.com/yuqing-dev/yuqing/internal/synth"
)

// Load targets: where the generator sends posts.
const (
	TargetAPI   = "api"   // POST /api/v1/ingest/posts of System.API
	TargetKafka = "kafka" // straight to the raw topic on System.Brokers
)

// LoadOptions shape one load run against a running System.
type LoadOptions struct {
	Rate     int           // posts per second offered
	Duration time.Duration // how long posts are sent
	Batch    int           // posts per request (or per Kafka write)
	Clients  int           // concurrent senders
	Chars    int           // characters of text per post
	Target   string        // TargetAPI or TargetKafka
	// Warmup is left out of the steady throughput; 0 means a fifth of
	// Duration.
	Warmup time.Duration
	// MarkerEvery is the time between searchable markers; AlertEvery
	// between alert markers (0: none, e.g. when no rule is installed).
	MarkerEvery, AlertEvery time.Duration
	// DrainTimeout bounds the wait, once sending stops, for the backlog
	// to be indexed and the markers found.
	DrainTimeout time.Duration
	// Progress receives a line every ProgressEvery (10 s if 0); nil
	// discards.
	Progress      io.Writer
	ProgressEvery time.Duration
}

// LoadReport is what one load run measured.
type LoadReport struct {
	System   string  `json:"system"`
	Target   string  `json:"target"`
	Rate     int     `json:"rate"`       // offered, posts/s
	Seconds  float64 `json:"seconds"`    // of sending
	Sent     int     `json:"sent"`       // posts accepted (markers included)
	SentRate float64 `json:"sent_per_s"` // achieved offered rate
	Refusals int     `json:"refusals"`   // 503 answers (each retried)
	// Throughput is records indexed per second over the steady part of
	// the sending phase (after Warmup); at saturation it is the
	// pipeline's capacity, below it the offered rate.
	Throughput float64 `json:"indexed_per_s"`
	Indexed    int     `json:"indexed"`
	// DrainSeconds is how long after sending stopped the last accepted
	// record was indexed (-1: not within the drain timeout).
	DrainSeconds float64     `json:"drain_s"`
	Searchable   Percentiles `json:"searchable"`
	Alert        Percentiles `json:"alert"`
	// PeakRSS is VmHWM per process of the system, in bytes (filled by
	// LoadBench when the system is stopped).
	PeakRSS map[string]int64 `json:"peak_rss,omitempty"`
}

// pacer turns a rate into whole batches without drifting: by elapsed
// time e, rate·e posts are due, and Due hands out the full batches of
// them not handed out yet. It reads no clock, so tests drive it.
type pacer struct {
	rate   int64 // posts per second
	batch  int
	issued int64 // posts handed out
}

// Due returns how many full batches may be sent at elapsed.
func (p *pacer) Due(elapsed time.Duration) int {
	due := p.rate * elapsed.Nanoseconds() / int64(time.Second)
	n := (due - p.issued) / int64(p.batch)
	if n <= 0 {
		return 0
	}
	p.issued += n * int64(p.batch)
	return int(n)
}

// loadRun is the state of one Load call.
type loadRun struct {
	o        LoadOptions
	sys      *System
	hook     *AlertHook
	sink     sink
	id       string // makes marker authors unique per run
	sent     atomic.Int64
	refusals atomic.Int64
	search   *markers
	alerts   *markers
}

// Load offers o.Rate posts/s of synthetic posts to sys for o.Duration
// (plus searchable and alert markers), then waits up to o.DrainTimeout
// for the backlog to be indexed and the markers observed. hook may be
// nil (no alert latencies). A failed send other than a 503 ends the run
// with an error; a cancelled ctx returns ctx.Err().
func Load(ctx context.Context, sys *System, hook *AlertHook, o LoadOptions) (LoadReport, error) {
	o = o.withDefaults()
	r := &loadRun{o: o, sys: sys, hook: hook, id: strconv.FormatInt(time.Now().UnixNano()%1e9, 36),
		search: newMarkers(), alerts: newMarkers()}
	switch o.Target {
	case TargetAPI:
		r.sink = apiSink{url: sys.API + "/api/v1/ingest/posts", client: &http.Client{Timeout: time.Minute}}
	case TargetKafka:
		if len(sys.Brokers) == 0 || sys.RawTopic == "" {
			return LoadReport{}, errors.New("target kafka needs the system's brokers and raw topic")
		}
		r.sink = newKafkaSink(sys.Brokers, sys.RawTopic, o.Batch)
	default:
		return LoadReport{}, fmt.Errorf("unknown target %q (api or kafka)", o.Target)
	}
	defer r.sink.Close()
	if hook != nil {
		hook.observe(r.alerts)
		defer hook.observe(nil)
	}
	return r.run(ctx)
}

func (o LoadOptions) withDefaults() LoadOptions {
	o.Batch, o.Clients, o.Chars = max(o.Batch, 1), max(o.Clients, 1), max(o.Chars, 20)
	if o.Warmup <= 0 {
		o.Warmup = o.Duration / 5
	}
	if o.MarkerEvery <= 0 {
		o.MarkerEvery = 100 * time.Millisecond
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 2 * time.Minute
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 10 * time.Second
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Target == "" {
		o.Target = TargetAPI
	}
	return o
}

func (r *loadRun) run(ctx context.Context) (LoadReport, error) {
	o := r.o
	rep := LoadReport{System: r.sys.Name, Target: o.Target, Rate: o.Rate}
	indexed0, err := r.indexed()
	if err != nil {
		return rep, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sendCtx, stopSending := context.WithTimeout(ctx, o.Duration)
	defer stopSending()
	start := time.Now()

	var senders, watchers sync.WaitGroup
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	watchers.Go(func() { r.pollSearch(watchCtx) })
	samples := make(chan sample, 1)
	watchers.Go(func() { samples <- r.sampleIndexed(watchCtx, start, indexed0) })

	senders.Go(func() {
		if err := r.generate(ctx, sendCtx); err != nil {
			cancel(err)
		}
	})
	senders.Go(func() { r.mark(ctx, sendCtx, r.search, o.MarkerEvery, "lm", r.searchMarker) })
	if r.hook != nil && o.AlertEvery > 0 {
		senders.Go(func() { r.mark(ctx, sendCtx, r.alerts, o.AlertEvery, "la", r.alertMarker) })
	}
	senders.Wait()
	sendEnd := time.Now()
	if err := context.Cause(ctx); err != nil {
		return rep, err
	}
	rep.Seconds = sendEnd.Sub(start).Seconds()
	rep.Sent, rep.Refusals = int(r.sent.Load()), int(r.refusals.Load())
	rep.SentRate = float64(rep.Sent) / rep.Seconds
	fmt.Fprintf(o.Progress, "%s: sent %d posts in %.0fs (%.0f/s, %d refused); draining\n",
		r.sys.Name, rep.Sent, rep.Seconds, rep.SentRate, rep.Refusals)

	drainedAt, err := r.drain(ctx, indexed0, rep.Sent)
	if err != nil {
		return rep, err
	}
	rep.DrainSeconds = -1
	if !drainedAt.IsZero() {
		rep.DrainSeconds = max(drainedAt.Sub(sendEnd).Seconds(), 0)
	}
	stopWatching()
	watchers.Wait()
	s := <-samples
	rep.Throughput = s.steady(start.Add(o.Warmup), sendEnd)
	n, _ := r.indexed()
	rep.Indexed = n - indexed0
	rep.Searchable, rep.Alert = r.search.Result(), r.alerts.Result()
	return rep, nil
}

// indexed is the index stage's committed records, from /metrics of the
// process running the index role.
func (r *loadRun) indexed() (int, error) {
	n, err := probe.Indexed(r.sys.Index)
	if err != nil {
		return 0, fmt.Errorf("reading the index stage metric of %s: %w", r.sys.Index, err)
	}
	return n, nil
}

// generate sends paced batches of fresh synthetic posts through Clients
// senders until stop ends, requests going with ctx; it returns the first
// error.
func (r *loadRun) generate(ctx, stop context.Context) error {
	o := r.o
	work := make(chan []ingest.Post, o.Clients)
	errs := make(chan error, o.Clients)
	var wg sync.WaitGroup
	for range o.Clients {
		wg.Go(func() {
			for batch := range work {
				if _, err := r.deliver(ctx, stop, batch); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	g := synth.New(uint64(time.Now().UnixNano()), time.Now(), 0)
	p := &pacer{rate: int64(o.Rate), batch: o.Batch}
	start := time.Now()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var err error
loop:
	for {
		select {
		case <-stop.Done():
			break loop
		case err = <-errs:
			break loop
		case <-tick.C:
		}
		for range p.Due(time.Since(start)) {
			now := time.Now().UTC()
			batch := make([]ingest.Post, o.Batch)
			for i := range batch {
				batch[i] = g.Post(o.Chars)
				batch[i].ID = "ld-" + r.id + "-" + batch[i].ID
				batch[i].PublishedAt = now
			}
			select {
			case work <- batch:
			case <-stop.Done():
				break loop
			case err = <-errs:
				break loop
			}
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}

// deliver sends one batch with ctx, retrying after each refusal as
// Retry-After says, and counts it once accepted (accepted reports it). A
// request in flight when the sending phase (stop) ends is finished and
// counted; a refused batch is not retried after it.
func (r *loadRun) deliver(ctx, stop context.Context, batch []ingest.Post) (accepted bool, err error) {
	for {
		refused, retry, err := r.sink.Send(ctx, batch)
		switch {
		case err != nil:
			return false, err
		case !refused:
			r.sent.Add(int64(len(batch)))
			return true, nil
		}
		r.refusals.Add(1)
		select {
		case <-stop.Done():
			return false, nil
		case <-time.After(retry):
		}
	}
}

func (r *loadRun) searchMarker(author string, g *synth.Generator) ingest.Post {
	p := g.Post(r.o.Chars)
	p.ID, p.Author, p.PublishedAt = "lm-"+author, author, time.Now().UTC()
	return p
}

// alertMarker fires the probe rule (see probeRule): one new incident per
// author.
func (r *loadRun) alertMarker(author string, g *synth.Generator) ingest.Post {
	p := g.Post(r.o.Chars)
	p.ID, p.Author, p.PublishedAt = "la-"+author, author, time.Now().UTC()
	p.Title, p.Text = "", "延迟探针 "+author+" ：某小区发生火灾，消防已到场。"
	return p
}

// mark sends one marker post every `every` until stop ends and records
// when each was accepted. Markers are not retried on error (they are
// samples); refusals are retried like any post.
func (r *loadRun) mark(ctx, stop context.Context, m *markers, every time.Duration, prefix string, post func(string, *synth.Generator) ingest.Post) {
	g := synth.New(uint64(len(prefix))+uint64(time.Now().UnixNano()), time.Now(), 0)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop.Done():
			return
		case <-tick.C:
		}
		author := prefix + r.id + "x" + strconv.Itoa(i)
		if ok, _ := r.deliver(ctx, stop, []ingest.Post{post(author, g)}); ok {
			m.Sent(author, time.Now())
		}
	}
}

// pollSearch asks the search API every 50 ms for the oldest outstanding
// searchable markers (one OR query of author filters) until ctx ends.
func (r *loadRun) pollSearch(ctx context.Context) {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
		keys := r.search.Outstanding(40)
		if len(keys) == 0 {
			continue
		}
		q := "author:" + strings.Join(keys, " OR author:")
		resp, err := client.Get(r.sys.API + "/api/v1/search?size=40&q=" + url.QueryEscape(q))
		if err != nil {
			continue
		}
		var res struct {
			Hits []struct {
				Doc struct {
					Author string `json:"author"`
				} `json:"doc"`
			} `json:"hits"`
		}
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		at := time.Now()
		if err != nil {
			continue
		}
		for _, h := range res.Hits {
			r.search.Found(h.Doc.Author, at)
		}
	}
}

// sample is the index stage counter over time.
type sample struct {
	at []time.Time
	n  []int
}

// steady is the indexing rate between the samples nearest to from and to.
func (s sample) steady(from, to time.Time) float64 {
	i := 0
	for i < len(s.at)-1 && s.at[i].Before(from) {
		i++
	}
	j := len(s.at) - 1
	for j > i && s.at[j].After(to) {
		j--
	}
	if j <= i {
		return 0
	}
	return float64(s.n[j]-s.n[i]) / s.at[j].Sub(s.at[i]).Seconds()
}

// sampleIndexed reads the index stage counter every second (a twentieth
// of a short run) and prints a progress line every ProgressEvery.
func (r *loadRun) sampleIndexed(ctx context.Context, start time.Time, indexed0 int) sample {
	every := min(max(r.o.Duration/20, 100*time.Millisecond), time.Second)
	var s sample
	lastAt, lastSent, lastIdx := start, int64(0), indexed0
	for {
		if n, err := probe.Indexed(r.sys.Index); err == nil {
			now := time.Now()
			s.at, s.n = append(s.at, now), append(s.n, n)
			if now.Sub(lastAt) >= r.o.ProgressEvery {
				sent, secs := r.sent.Load(), now.Sub(lastAt).Seconds()
				fmt.Fprintf(r.o.Progress, "%s: t=%3.0fs offered %d/s, accepted %.0f/s, indexed %.0f/s, refused %d, backlog %d\n",
					r.sys.Name, now.Sub(start).Seconds(), r.o.Rate, float64(sent-lastSent)/secs,
					float64(n-lastIdx)/secs, r.refusals.Load(), int(sent)-(n-indexed0))
				lastAt, lastSent, lastIdx = now, sent, n
			}
		}
		select {
		case <-ctx.Done():
			return s
		case <-time.After(every):
		}
	}
}

// drain waits until every accepted record is indexed and every marker
// observed, or DrainTimeout; it returns when the last record was indexed
// (zero if not within the timeout).
func (r *loadRun) drain(ctx context.Context, indexed0, sent int) (time.Time, error) {
	deadline := time.Now().Add(r.o.DrainTimeout)
	var drainedAt time.Time
	for time.Now().Before(deadline) {
		n, err := r.indexed()
		if err != nil {
			return drainedAt, err
		}
		if drainedAt.IsZero() && n-indexed0 >= sent {
			drainedAt = time.Now()
		}
		if !drainedAt.IsZero() && len(r.search.Outstanding(1)) == 0 &&
			(r.hook == nil || len(r.alerts.Outstanding(1)) == 0) {
			break
		}
		select {
		case <-ctx.Done():
			return drainedAt, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return drainedAt, nil
}
