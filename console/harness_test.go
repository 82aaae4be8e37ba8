package console_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/yuqing-dev/yuqing/internal/chromium"

	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/console"
	"github.com/yuqing-dev/yuqing/internal/probe"
)

// env is what the browser tests share: one yuqing server with the console
// in front of it, one Chromium.
var env struct {
	base    string // the console's origin (pages and /api/ proxied to the app)
	app     string // the app's own origin
	browser context.Context
	err     error // why the environment could not start

	mu      sync.Mutex
	me      http.HandlerFunc // /api/v1/me, /api/v1/login, /api/v1/logout; nil: the app's (404)
	lastTok string           // X-CSRF-Token of the last POST through the wrapper
}

const chromiumPath = chromium.Default

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if !needsBrowser() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "yuqing-console-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	stop, err := startServer(dir)
	if err != nil {
		env.err = err
	} else {
		defer stop()
		closeBrowser, err := startBrowser(filepath.Join(dir, "chromium"))
		if err != nil {
			env.err = err
		} else {
			defer closeBrowser()
		}
	}
	return m.Run()
}

// needsBrowser is false when -run selects only the handler's unit tests
// (browser tests are named TestBrowser…).
func needsBrowser() bool {
	for i, a := range os.Args {
		v, ok := strings.CutPrefix(a, "-test.run=")
		if !ok && a == "-test.run" && i+1 < len(os.Args) {
			v, ok = os.Args[i+1], true
		}
		if ok {
			return v == "" || v == "." || v == ".*" || strings.Contains(v, "Browser")
		}
	}
	return true
}

const fireRule = `# Fires in Hangzhou, tuned by the duty team.
id: fire-hangzhou
name: 杭州火灾
severity: P2
type: any
match: '(火灾 OR 起火 OR 爆炸) AND 杭州 AND NOT 演习'
group_by: [cluster_id]
group_wait: 0s
realert: 10m
`

const gasRule = `id: gas-ningbo
name: 宁波燃气泄漏
severity: P1
type: any
match: '燃气 AND 泄漏 AND 宁波'
group_by: [cluster_id]
group_wait: 0s
realert: 10m
`

// seed are the posts indexed before the tests: fires in 杭州 (one repost,
// one drill), an SMS fraud with a phone number, a traffic accident.
const seed = `{"id":"fire1","source":"weibo","text":"杭州市西湖区一小区发生火灾，消防已到场，暂无人员伤亡。知情人电话13812345678"}
{"id":"fire2","source":"douyin","text":"转发:杭州市西湖区一小区发生火灾，消防已到场，暂无人员伤亡。知情人电话13812345678"}
{"id":"drill","source":"news:xinhuanet","title":"消防演习","text":"今天上午，杭州消防在西湖区举行火灾逃生演习。"}
{"id":"fraud1","source":"sms","kind":"sms","text":"您好，我是杭州市公安局民警，您的账户涉嫌洗钱，请将资金转入安全账户，回电13812345678"}
{"id":"traffic1","source":"weibo","text":"南京市绕城高速公路发生连环追尾，多人受伤，交警正在处置。"}`

// startServer starts yuqing (embedded) and, in front of it, the console.
//
// The integrator wires the console into the app (api.Options.Console); until
// then this wrapper serves it on one origin with the API: /api/, /healthz,
// /readyz and /metrics go to the app, everything else to console.Handler.
// Once wired, env.base can be the app's own address (one-line change:
// `base = appBase`), keeping the /api/v1/me override for the login test.
func startServer(dir string) (func(), error) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "feed generator crashed", http.StatusInternalServerError)
	}))
	rules := filepath.Join(dir, "rules")
	if err := os.MkdirAll(rules, 0o755); err != nil {
		return nil, err
	}
	os.WriteFile(filepath.Join(rules, "fire.yaml"), []byte(fireRule), 0o644)
	os.WriteFile(filepath.Join(rules, "gas.yaml"), []byte(gasRule), 0o644)
	cfg := configs.Default()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.Pipeline.BatchWait = 5 * time.Millisecond
	cfg.RulesDir = rules
	cfg.Collect.PerHostRate = 100
	cfg.Collect.BackoffInitial = 50 * time.Millisecond
	cfg.Collect.BackoffMax = 200 * time.Millisecond
	cfg.Sources = []configs.Source{{Name: "broken-feed", Type: configs.SourceRSS, URL: broken.URL + "/feed.xml", Interval: time.Second}}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a, err := app.New(cfg, app.Options{Listener: ln})
	if err != nil {
		return nil, fmt.Errorf("starting yuqing: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	env.app = "http://" + ln.Addr().String()
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := probe.WaitReady(wctx, env.app, 20*time.Millisecond); err != nil {
		cancel()
		return nil, fmt.Errorf("yuqing not ready: %w", err)
	}

	target, _ := url.Parse(env.app)
	proxy := httputil.NewSingleHostReverseProxy(target)
	pages := console.Handler(console.Options{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if r.Method == http.MethodPost {
			env.mu.Lock()
			env.lastTok = r.Header.Get("X-CSRF-Token")
			env.mu.Unlock()
		}
		env.mu.Lock()
		me := env.me
		env.mu.Unlock()
		switch {
		case me != nil && (p == "/api/v1/me" || p == "/api/v1/login" || p == "/api/v1/logout"):
			me(w, r)
		case strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics":
			proxy.ServeHTTP(w, r)
		default:
			pages.ServeHTTP(w, r)
		}
	}))
	env.base = front.URL

	stop := func() {
		front.Close()
		cancel()
		<-done
		broken.Close()
	}
	if _, err := apiDo("POST", "/api/v1/ingest/posts", seed); err != nil {
		stop()
		return nil, err
	}
	if err := waitUntil(30*time.Second, func() bool { return searchTotal("火灾") == 3 && searchTotal("追尾") == 1 }); err != nil {
		stop()
		return nil, fmt.Errorf("seed posts not searchable: %w", err)
	}
	return stop, nil
}

func startBrowser(profile string) (func(), error) {
	exe := chromiumPath
	if _, err := os.Stat(exe); err != nil {
		if exe, err = exec.LookPath("chromium"); err != nil {
			return nil, fmt.Errorf("chromium is not installed at %s nor on PATH (apt-get install chromium, or `make deps`): the console's browser tests need it", chromiumPath)
		}
	}
	opts := chromium.Options(exe, profile,
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 800))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	// The first run starts the browser, which lives as long as the context
	// of that run: no timeout here.
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		return nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	env.browser = bctx
	return func() { bcancel(); acancel() }, nil
}

// apiDo calls the app directly and returns the body.
func apiDo(method, path, body string) ([]byte, error) {
	req, _ := http.NewRequest(method, env.app+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return b, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return b, nil
}

func apiJSON(t *testing.T, method, path, body string) map[string]any {
	t.Helper()
	b, err := apiDo(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, b)
	}
	return m
}

func searchTotal(q string) int {
	b, err := apiDo("GET", "/api/v1/search?q="+url.QueryEscape(q), "")
	if err != nil {
		return -1
	}
	var m struct{ Total int }
	json.Unmarshal(b, &m)
	return m.Total
}

func waitUntil(d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// browser is one tab for one test, with its JavaScript errors collected.
type browser struct {
	t    *testing.T
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

// newTab opens a tab in the shared browser, bounded to 60 s; JavaScript
// exceptions fail the test.
func newTab(t *testing.T) *browser {
	t.Helper()
	if env.err != nil {
		t.Fatalf("console browser tests cannot run: %v", env.err)
	}
	ctx, cancel := chromedp.NewContext(env.browser)
	ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
	b := &browser{t: t, ctx: ctx}
	t.Cleanup(func() {
		b.mu.Lock()
		for _, e := range b.errs {
			t.Errorf("JavaScript exception: %s", e)
		}
		b.mu.Unlock()
		cancel2()
		cancel()
	})
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*runtime.EventExceptionThrown); ok && ev.ExceptionDetails != nil {
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			b.mu.Lock()
			b.errs = append(b.errs, msg)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return b
}

// runT runs a step that returns a value; on failure it saves a screenshot
// and fails the test with its path.
func runT[T any](b *browser, step string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(step, err)
	}
	return v
}

// run runs steps, as runT.
func (b *browser) run(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	runT(b, step, chromedp.Steps(steps...))
}

func (b *browser) fail(step string, err error) {
	b.t.Helper()
	sctx, scancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer scancel()
	shot, _ := chromedp.Run(sctx, chromedp.FullScreenshot(80))
	loc, _ := chromedp.Run(sctx, chromedp.Location())
	html, _ := chromedp.Run(sctx, chromedp.OuterHTML(chromedp.CSS("main")))
	name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(b.t.Name()+"-"+step, "_")
	path := filepath.Join(os.TempDir(), "yuqing-console-"+name+".png")
	if len(shot) == 0 {
		path = "(no screenshot)"
	} else if werr := os.WriteFile(path, shot, 0o644); werr != nil {
		path = "(not saved: " + werr.Error() + ")"
	}
	if len(html) > 3000 {
		html = html[:3000] + "…"
	}
	b.t.Fatalf("step %q failed at %s: %v\nscreenshot: %s\n<main>: %s", step, loc, err, path, html)
}

func (b *browser) open(path string, waitSel string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(env.base+path), chromedp.WaitVisible(chromedp.CSS(waitSel)))
}

// text returns the text of the first element matching sel (waiting for it).
func (b *browser) text(sel string) string {
	b.t.Helper()
	return runT(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	return runT(b, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// evalJS evaluates a JavaScript expression.
func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	return runT(b, "eval "+expr, chromedp.Evaluate[T](expr))
}

// waitJS polls a JavaScript condition until it is true.
func (b *browser) waitJS(what, cond string) {
	b.t.Helper()
	runT(b, "wait for "+what, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
}

func setMe(h http.HandlerFunc) {
	env.mu.Lock()
	env.me = h
	env.mu.Unlock()
}

func lastCSRF() string {
	env.mu.Lock()
	defer env.mu.Unlock()
	return env.lastTok
}
