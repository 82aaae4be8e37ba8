package collect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/logbus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/internal/teststate"
	"github.com/yuqing-dev/yuqing/state"
)

const rawTopic = "yuqing.raw"

// listSource is a Source over a slice that grows while the test runs:
// its cursor is the count of items emitted, two per batch.
type listSource struct {
	mu    sync.Mutex
	items []ingest.Post
	fail  error
	reads atomic.Int64
	acks  atomic.Int64
}

func (s *listSource) add(p ...ingest.Post) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, p...)
}

func (s *listSource) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *listSource) Read(ctx context.Context, cursor []byte) (Batch, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return Batch{}, s.fail
	}
	done := 0
	if cursor != nil {
		done, _ = strconv.Atoi(string(cursor))
	}
	end := min(done+2, len(s.items))
	return Batch{Posts: append([]ingest.Post(nil), s.items[done:end]...), Cursor: []byte(strconv.Itoa(end)),
		More: end < len(s.items), Ack: func(context.Context) error { s.acks.Add(1); return nil }}, nil
}

// fixture is a runner's surroundings: a real embedded bus and a local
// state store.
type fixture struct {
	t     *testing.T
	bus   *logbus.Bus
	state state.Store
	reg   *Registry
	srcs  map[string]*listSource
	raw   bus.Consumer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	b, err := logbus.Open(t.TempDir(), logbus.Options{Sync: false})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ctx := context.Background()
	if err := b.EnsureTopics(ctx, rawTopic); err != nil {
		t.Fatal(err)
	}
	raw, err := b.Consumer(ctx, "test", rawTopic)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	f := &fixture{t: t, bus: b, state: teststate.Local(t, time.Now), reg: NewRegistry(), srcs: map[string]*listSource{}, raw: raw}
	f.reg.Register("list", func(src configs.Source) (Source, error) {
		s, ok := f.srcs[src.Name]
		if !ok {
			return nil, fmt.Errorf("no list %s", src.Name)
		}
		return s, nil
	})
	return f
}

func (f *fixture) source(name string) *listSource {
	s := &listSource{}
	f.srcs[name] = s
	return s
}

func testCollect() configs.Collect {
	c := configs.Default().Collect
	c.LeaseTTL = 300 * time.Millisecond
	c.BackoffInitial = 20 * time.Millisecond
	c.BackoffMax = 40 * time.Millisecond
	return c
}

func (f *fixture) runner(owner string, reg prometheus.Registerer, srcs ...configs.Source) *Runner {
	f.t.Helper()
	r, err := NewRunner(Options{State: f.state, Producer: f.bus, RawTopic: rawTopic, Owner: owner,
		Collect: testCollect(), Limits: ingest.DefaultLimits(), Registerer: reg}, f.reg, srcs)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// start runs r until the test ends (or stop is called).
func start(t *testing.T, r *Runner) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// take reads n records from the raw topic and decodes them.
func (f *fixture) take(n int) []ingest.Post {
	f.t.Helper()
	var out []ingest.Post
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(out) < n {
		msgs, err := f.raw.Fetch(ctx, n-len(out), 10*time.Millisecond)
		if err != nil {
			f.t.Fatalf("read %d of %d raw records: %v", len(out), n, err)
		}
		for _, m := range msgs {
			var p ingest.Post
			if err := json.Unmarshal(m.Value, &p); err != nil {
				f.t.Fatal(err)
			}
			out = append(out, p)
		}
		if err := f.raw.Commit(ctx, msgs...); err != nil {
			f.t.Fatal(err)
		}
	}
	return out
}

// none checks that nothing more reaches the raw topic for d.
func (f *fixture) none(d time.Duration) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	msgs, err := f.raw.Fetch(ctx, 10, time.Millisecond)
	if err == nil {
		f.t.Fatalf("unexpected raw records: %d, first %s", len(msgs), msgs[0].Key)
	}
}

func post(src, url, text string) ingest.Post {
	return ingest.Post{Source: src, Kind: ingest.KindArticle, URL: url, Text: text,
		PublishedAt: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
}

func listConfig(name string, interval time.Duration) configs.Source {
	return configs.Source{Name: name, Type: "list", Interval: interval}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func statusOf(t *testing.T, st state.Store, src configs.Source) Status {
	t.Helper()
	ss, err := Statuses(context.Background(), st, time.UTC, []configs.Source{src}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ss[0]
}

func TestRunnerDeliversInBatchesAndKeepsTheCursor(t *testing.T) {
	f := newFixture(t)
	ls := f.source("news")
	for i := range 5 {
		ls.add(post("", fmt.Sprintf("http://news.test/%d", i), fmt.Sprintf("第%d条新闻的正文内容足够长用来做内容去重的判断依据，不会被误判为重复。", i)))
	}
	cfg := listConfig("news", 50*time.Millisecond)
	cfg.Region, cfg.Labels = "浙江省", map[string]string{"tier": "city"}
	r := f.runner("a", nil, cfg)
	stop := start(t, r)
	got := f.take(5)
	for i, p := range got {
		if p.URL != fmt.Sprintf("http://news.test/%d", i) || p.Source != "news" || p.Region != "浙江省" || p.ID != ingest.PostID(p) {
			t.Errorf("post %d: %+v", i, p)
		}
		if p.IngestedAt.IsZero() {
			t.Errorf("post %d has no ingested_at", i)
		}
	}
	waitFor(t, "three batches acknowledged", func() bool { return ls.acks.Load() >= 3 })
	ls.add(post("", "http://news.test/5", "新增的一条新闻正文，同样足够长，能够参与基于内容的去重判断，避免误报重复。"))
	if p := f.take(1)[0]; p.URL != "http://news.test/5" {
		t.Errorf("new item %+v", p)
	}
	f.none(200 * time.Millisecond)
	stop()
	cur, err := f.state.Get(context.Background(), cursorKey("news"))
	if err != nil || string(cur) != "6" {
		t.Errorf("cursor %q, %v", cur, err)
	}
	st := statusOf(t, f.state, cfg)
	if st.State != StateOK || st.ItemsToday != 6 || st.LastSuccess.IsZero() || st.Holder != "a" {
		t.Errorf("status %+v", st)
	}
}

func TestRunnerDedupAcrossSources(t *testing.T) {
	t.Run("local", func(t *testing.T) { testDedupAcrossSources(t, nil) })
	// Two replicas with their own Redis clients agree on what was seen.
	t.Run("redis", func(t *testing.T) { testDedupAcrossSources(t, teststate.Redis(t)) })
}

func testDedupAcrossSources(t *testing.T, connect func() state.Store) {
	f := newFixture(t)
	var other state.Store = f.state
	if connect != nil {
		f.state, other = connect(), connect()
	}
	long := "某市发生一起重大交通事故，造成多人受伤，相关部门已经赶赴现场开展救援和调查工作。"
	a, b := f.source("a"), f.source("b")
	a.add(post("", "https://Site.test/x?utm_source=feed#top", "第一种说法：A站点的版本，正文不同但网址相同，应被去重掉。"),
		post("", "http://a.test/2", long),
		post("", "http://a.test/3", "转发"))
	reg := prometheus.NewRegistry()
	r := f.runner("r", reg, listConfig("a", 30*time.Millisecond))
	stop := start(t, r)
	first := f.take(3)
	stop()
	b.add(post("", "http://site.test/x", "B站点的版本：网址只是写法不同，应该按网址去重而被丢弃。"),
		post("", "http://b.test/2", "  "+long+"！"),
		post("", "http://b.test/3", "转发"), // short: never deduplicated by content
		post("", "http://b.test/4", "B站点独有的一条，正文和网址都不同，应当正常送达到原始主题中去。"))
	f.state = other
	r2 := f.runner("r", nil, listConfig("b", 30*time.Millisecond))
	start(t, r2)
	second := f.take(2)
	f.none(200 * time.Millisecond)
	if len(first) != 3 || second[0].URL != "http://b.test/3" || second[1].URL != "http://b.test/4" {
		t.Fatalf("first %v second %v", first, second)
	}
	if n := counter(r2.metrics.duplicates.WithLabelValues("b", "url")); n != 1 {
		t.Errorf("url duplicates %v", n)
	}
	if n := counter(r2.metrics.duplicates.WithLabelValues("b", "content")); n != 1 {
		t.Errorf("content duplicates %v", n)
	}
	waitFor(t, "status counts", func() bool {
		st := statusOf(t, f.state, listConfig("b", 0))
		return st.DuplicatesToday == 2 && st.ItemsToday == 2
	})
}

// Dedup keys are claimed only after the posts are durable: a produce that
// fails leaves nothing claimed, so the retry goes through instead of being
// dropped as seen (and lost).
func TestDedupClaimsOnlyWhatWasProduced(t *testing.T) {
	f := newFixture(t)
	d := &deliverer{dedup: f.state, producer: f.bus, rawTopic: rawTopic, window: time.Hour,
		limits: ingest.DefaultLimits(), now: time.Now, metrics: newMetrics(nil)}
	p := post("s", "http://x.test/1", "一条足够长的正文，用来验证生产失败之后重试时同一条目不会被当作重复而丢失。")
	src := configs.Source{Name: "s"}
	broken := *d
	broken.rawTopic = "" // the bus refuses a message without a topic
	if _, err := broken.deliver(context.Background(), src, []ingest.Post{p}); err == nil {
		t.Fatal("produce without a topic succeeded")
	}
	out, err := d.deliver(context.Background(), src, []ingest.Post{p})
	if err != nil || len(out.produced) != 1 {
		t.Fatalf("retry after a failed produce: %+v %v", out, err)
	}
	if again, _ := d.deliver(context.Background(), src, []ingest.Post{p}); len(again.produced) != 1 {
		t.Fatalf("unclaimed (the cursor was not stored): %+v", again)
	}
	if err := out.claim(context.Background()); err != nil {
		t.Fatal(err)
	}
	again, err := d.deliver(context.Background(), src, []ingest.Post{p})
	if err != nil || len(again.dups) != 1 || len(again.produced) != 0 {
		t.Fatalf("the same item again: %+v %v", again, err)
	}
}

func TestRunnerFailingSourceBacksOffAndRecovers(t *testing.T) {
	f := newFixture(t)
	ls := f.source("flaky")
	ls.setFail(errors.New("fetching http://flaky.test/feed.xml: 503 Service Unavailable"))
	cfg := listConfig("flaky", 20*time.Millisecond)
	r := f.runner("r", nil, cfg)
	start(t, r)
	waitFor(t, "failing status", func() bool {
		st := statusOf(t, f.state, cfg)
		return st.State == StateFailing && st.Failures >= 3
	})
	st := statusOf(t, f.state, cfg)
	if st.LastError == "" || st.LastErrorAt.IsZero() || !st.LastSuccess.IsZero() {
		t.Errorf("status %+v", st)
	}
	ls.setFail(nil)
	ls.add(post("", "http://flaky.test/1", "恢复之后送达的第一条内容，足够长，可以参与内容去重判断，不会被丢弃。"))
	f.take(1)
	waitFor(t, "ok status", func() bool { return statusOf(t, f.state, cfg).State == StateOK })
}

func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	l := &sourceLoop{r: &Runner{o: Options{Collect: configs.Collect{BackoffInitial: time.Second, BackoffMax: 8 * time.Second}}},
		src: configs.Source{Interval: 2 * time.Second}}
	for failures, hi := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 8 * time.Second} {
		l.failures = failures
		for range 50 {
			if d := l.backoff(); d < hi/2 || d > hi {
				t.Fatalf("failures %d: %v not in [%v, %v]", failures, d, hi/2, hi)
			}
		}
	}
	l.src.Interval = time.Hour // a slow source backs off up to its interval
	l.failures = 20
	if d := l.backoff(); d < 30*time.Minute {
		t.Errorf("backoff %v for an hourly source", d)
	}
}

func TestQuietWhenANormallyProductiveSourceStops(t *testing.T) {
	src := configs.Source{Name: "n", Type: configs.SourceRSS}
	var s Status
	t0 := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for i := range 4 { // an item every 10 minutes
		recordSuccess(&s, src, t0.Add(time.Duration(i)*10*time.Minute), 1)
	}
	judge(&s, src, t0.Add(40*time.Minute))
	if s.State != StateOK || s.QuietAfter != Seconds(time.Hour) {
		t.Fatalf("after regular items: %+v", s)
	}
	recordSuccess(&s, src, t0.Add(100*time.Minute), 0) // polls succeed, nothing new
	judge(&s, src, t0.Add(100*time.Minute))
	if s.State != StateQuiet {
		t.Fatalf("70 minutes without items: %+v", s)
	}
	// quiet_after configured: quiet without any history
	cfgd := configs.Source{Name: "q", QuietAfter: time.Minute}
	var q Status
	recordSuccess(&q, cfgd, t0, 1)
	judge(&q, cfgd, t0.Add(2*time.Minute))
	if q.State != StateQuiet {
		t.Errorf("configured quiet_after: %+v", q)
	}
	// a new source is never quiet before it has a history
	var n Status
	recordSuccess(&n, src, t0, 1)
	judge(&n, src, t0.Add(48*time.Hour))
	if n.State != StateOK {
		t.Errorf("new source: %+v", n)
	}
}

func TestOnlyTheLeaseHolderPollsAndASurvivorTakesOver(t *testing.T) {
	t.Run("local", func(t *testing.T) { testLeases(t, nil) })
	// Two replicas with their own Redis clients, as in distributed mode.
	t.Run("redis", func(t *testing.T) { testLeases(t, teststate.Redis(t)) })
}

func testLeases(t *testing.T, connect func() state.Store) {
	f := newFixture(t)
	stores := []state.Store{f.state, f.state}
	if connect != nil {
		stores = []state.Store{connect(), connect()}
		f.state = stores[0]
	}
	ls := f.source("shared")
	cfg := listConfig("shared", 10*time.Millisecond)
	// A replica that died holding the lease: nobody renews it.
	ok, err := f.state.AcquireLease(context.Background(), leaseKey("shared"), "dead", 300*time.Millisecond)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	died := time.Now()
	f.state = stores[0]
	a := f.runner("a", nil, cfg)
	f.state = stores[1]
	b := f.runner("b", nil, cfg)
	start(t, a)
	start(t, b)
	waitFor(t, "a survivor to poll", func() bool { return ls.reads.Load() > 0 })
	if since := time.Since(died); since < 250*time.Millisecond {
		t.Errorf("polled %v after the dead holder's renewal; its lease had not expired", since)
	}
	holder := statusOf(t, f.state, cfg).Holder
	waitFor(t, "the holder in the status", func() bool { holder = statusOf(t, f.state, cfg).Holder; return holder != "" })
	for i := range 10 {
		ls.add(post("", fmt.Sprintf("http://s.test/%d", i), fmt.Sprintf("共享数据源的第%d条内容，只应由持有租约的副本读取一次，不应重复。", i)))
	}
	got := f.take(10)
	f.none(200 * time.Millisecond)
	ids := map[string]bool{}
	for _, p := range got {
		ids[p.ID] = true
	}
	if len(ids) != 10 {
		t.Errorf("%d distinct of %d", len(ids), len(got))
	}
	if h := statusOf(t, f.state, cfg).Holder; h != holder {
		t.Errorf("holder moved from %s to %s while both ran", holder, h)
	}
}

func TestNewRunnerNamesTheSourceAFactoryRefuses(t *testing.T) {
	reg := NewRegistry()
	reg.Register("web", func(src configs.Source) (Source, error) {
		return nil, errors.New("selectors.item: expected identifier")
	})
	_, err := NewRunner(Options{}, reg, []configs.Source{{Name: "county", Type: "web"}, {Name: "x", Type: "nope"}})
	if err == nil || !strings.Contains(err.Error(), "source county: selectors.item") || !strings.Contains(err.Error(), `type "nope" is not registered`) {
		t.Errorf("err %v", err)
	}
}

// counter reads a counter's value.
func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	_ = c.Write(&m)
	return m.GetCounter().GetValue()
}

// hangingSource never answers until its context ends, like a site that
// accepts the connection and sends nothing.
type hangingSource struct{ entered chan struct{} }

func (h hangingSource) Read(ctx context.Context, _ []byte) (Batch, error) {
	select {
	case h.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return Batch{}, ctx.Err()
}

func TestAHangingSourceDoesNotStallTheOthers(t *testing.T) {
	f := newFixture(t)
	hang := hangingSource{entered: make(chan struct{}, 1)}
	f.reg.Register("hang", func(configs.Source) (Source, error) { return hang, nil })
	ok := f.source("ok")
	r := f.runner("r", nil, configs.Source{Name: "stuck", Type: "hang", Interval: 10 * time.Millisecond}, listConfig("ok", 10*time.Millisecond))
	stop := start(t, r)
	<-hang.entered
	for i := range 3 {
		ok.add(post("", fmt.Sprintf("http://ok.test/%d", i), fmt.Sprintf("正常数据源的第%d条内容，在另一个数据源卡住的时候照样按时送达，不受影响。", i)))
	}
	if got := f.take(3); len(got) != 3 {
		t.Fatalf("got %d", len(got))
	}
	stop() // and the hanging read is cancelled on shutdown
}
