package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// testOptions are fast limits for tests that do not test limits.
func testOptions() Options {
	return Options{
		UserAgent: "yuqing/1.0", Contact: "ops@example.org", Robots: true,
		Timeout: 2 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 3,
		PerHostRate: 1000, PerHostConcurrency: 4,
		Logger: slog.New(slog.DiscardHandler),
	}
}

// site is an httptest server whose paths are counted.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T, h http.Handler) *site {
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func get(t *testing.T, c *Client, url string) (Response, error) {
	t.Helper()
	return c.Get(t.Context(), Request{URL: url})
}

func TestUserAgentAndContact(t *testing.T) {
	var got atomic.Value
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/page" {
			got.Store(r.UserAgent())
		}
		fmt.Fprint(w, "ok")
	}))
	if _, err := get(t, New(testOptions()), s.URL+"/page"); err != nil {
		t.Fatal(err)
	}
	if want := "yuqing/1.0 (+ops@example.org)"; got.Load() != want {
		t.Errorf("User-Agent = %q, want %q", got.Load(), want)
	}
}

func TestRobots(t *testing.T) {
	tests := []struct {
		name        string
		robots      func(w http.ResponseWriter)
		path        string
		wantErr     error
		wantFetched bool
	}{
		{"disallowed for us", robotsText("User-agent: yuqing\nDisallow: /private/\n"), "/private/a", ErrDisallowed, false},
		{"disallowed for all", robotsText("User-agent: *\nDisallow: /\n"), "/a", ErrDisallowed, false},
		{"other agent only", robotsText("User-agent: otherbot\nDisallow: /\n"), "/a", nil, true},
		{"allowed path", robotsText("User-agent: yuqing\nDisallow: /private/\n"), "/public/a", nil, true},
		{"query disallowed", robotsText("User-agent: *\nDisallow: /search?\n"), "/search?q=x", ErrDisallowed, false},
		{"404 allows all", robotsStatus(404), "/a", nil, true},
		{"403 allows all", robotsStatus(403), "/a", nil, true},
		{"503 disallows for now", robotsStatus(503), "/a", ErrRobotsUnavailable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					tt.robots(w)
					return
				}
				fmt.Fprint(w, "page")
			}))
			_, err := get(t, New(testOptions()), s.URL+tt.path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the URL", err)
			}
			path := strings.SplitN(tt.path, "?", 2)[0]
			if fetched := s.count(path) > 0; fetched != tt.wantFetched {
				t.Errorf("%s fetched = %v, want %v", path, fetched, tt.wantFetched)
			}
		})
	}
}

func robotsText(body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { fmt.Fprint(w, body) }
}

func robotsStatus(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code) }
}

func TestRobotsFetchedOncePerHost(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /no\n")
			return
		}
		fmt.Fprint(w, "page")
	}))
	c := New(testOptions())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := get(t, c, fmt.Sprintf("%s/p%d", s.URL, i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
}

func TestRobotsOff(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
	}))
	o := testOptions()
	o.Robots = false
	if _, err := get(t, New(o), s.URL+"/a"); err != nil {
		t.Fatal(err)
	}
	if s.count("/robots.txt") != 0 {
		t.Error("robots.txt fetched with Robots off")
	}
}

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `"v1"`, "Wed, 21 Oct 2015 07:28:00 GMT"
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		fmt.Fprint(w, "feed")
	}))
	c := New(testOptions())
	first, err := get(t, c, s.URL+"/feed")
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != "feed" || first.ETag != etag || first.LastModified != lastMod {
		t.Fatalf("first response = %+v", first)
	}
	for _, req := range []Request{
		{URL: s.URL + "/feed", ETag: first.ETag},
		{URL: s.URL + "/feed", LastModified: first.LastModified},
	} {
		r, err := c.Get(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if !r.NotModified || r.Status != 304 || len(r.Body) != 0 {
			t.Errorf("conditional %+v: got %+v, want NotModified", req, r)
		}
	}
}

func TestUTF8(t *testing.T) {
	const text = "网络舆情监测：今日热点新闻"
	const trad = "網絡輿情監測：今日熱點新聞"
	enc := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	page := func(head, body string) string {
		return "<html><head>" + head + "<title>t</title></head><body><p>" + body + "</p></body></html>"
	}
	tests := []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"gbk header", "text/html; charset=GBK", enc(simplifiedchinese.GBK, page("", text)), text},
		{"gb2312 header", "text/html; charset=gb2312", enc(simplifiedchinese.GBK, page("", text)), text},
		{"gbk meta charset", "text/html", enc(simplifiedchinese.GBK, page(`<meta charset="gbk">`, text)), text},
		{"gb2312 http-equiv", "text/html", enc(simplifiedchinese.GBK, page(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, text)), text},
		{"gb18030 header", "text/html; charset=GB18030", enc(simplifiedchinese.GB18030, page("", text)), text},
		{"big5 header", "text/html; charset=big5", enc(traditionalchinese.Big5, page("", trad)), trad},
		{"big5 meta charset", "text/html", enc(traditionalchinese.Big5, page(`<meta charset="big5">`, trad)), trad},
		{"xml declaration", "application/rss+xml", enc(simplifiedchinese.GBK, `<?xml version="1.0" encoding="GBK"?><rss><title>`+text+`</title></rss>`), text},
		{"header says utf-8, page gbk", "text/html; charset=utf-8", enc(simplifiedchinese.GBK, page(`<meta charset="gbk">`, text)), text},
		{"utf-8 sniffed", "", []byte(page("", text)), text},
		{"utf-8 with BOM", "text/html; charset=gbk", append([]byte("\ufeff"), page("", text)...), text},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write(tt.body)
			}))
			r, err := get(t, New(testOptions()), s.URL+"/page")
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.UTF8()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("UTF8() = %q, want it to contain %q", out, tt.want)
			}
		})
	}
}

func TestUTF8UnknownCharset(t *testing.T) {
	r := Response{URL: "http://x/", ContentType: "text/html; charset=klingon", Body: []byte("x")}
	if _, err := r.UTF8(); err == nil || !strings.Contains(err.Error(), "klingon") {
		t.Errorf("err = %v, want unknown charset", err)
	}
}

func TestTooLarge(t *testing.T) {
	big := strings.Repeat("x", 2000)
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			w.WriteHeader(404)
		case "/chunked":
			w.Write([]byte(big[:1000]))
			w.(http.Flusher).Flush()
			w.Write([]byte(big[1000:]))
		case "/exact":
			fmt.Fprint(w, big[:1000])
		default:
			fmt.Fprint(w, big)
		}
	}))
	o := testOptions()
	o.MaxBodyBytes = 1000
	c := New(o)
	for _, path := range []string{"/length", "/chunked"} {
		if _, err := get(t, c, s.URL+path); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", path, err)
		}
	}
	if r, err := get(t, c, s.URL+"/exact"); err != nil || len(r.Body) != 1000 {
		t.Errorf("/exact: %d bytes, err %v; want 1000 bytes", len(r.Body), err)
	}
}

func TestRedirects(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
		case "/loop":
			http.Redirect(w, r, "/loop2", http.StatusFound)
		case "/loop2":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/old":
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		case "/to-private":
			http.Redirect(w, r, "/private/x", http.StatusFound)
		case "/to-ftp":
			http.Redirect(w, r, "ftp://example.org/x", http.StatusFound)
		default:
			fmt.Fprint(w, "page "+r.URL.Path)
		}
	}))
	c := New(testOptions())
	r, err := get(t, c, s.URL+"/old")
	if err != nil || r.URL != s.URL+"/new" || string(r.Body) != "page /new" {
		t.Errorf("/old: %+v, %v; want the body of /new", r, err)
	}
	if _, err := get(t, c, s.URL+"/loop"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("/loop: err = %v, want ErrTooManyRedirects", err)
	}
	if n := s.count("/loop") + s.count("/loop2"); n != 4 {
		t.Errorf("loop requested %d times, want 4 (1 + 3 redirects)", n)
	}
	if _, err := get(t, c, s.URL+"/to-private"); !errors.Is(err, ErrDisallowed) {
		t.Errorf("/to-private: err = %v, want ErrDisallowed", err)
	}
	if s.count("/private/x") != 0 {
		t.Error("disallowed redirect target was requested")
	}
	if _, err := get(t, c, s.URL+"/to-ftp"); !errors.Is(err, ErrScheme) {
		t.Errorf("/to-ftp: err = %v, want ErrScheme", err)
	}
	if _, err := get(t, c, "ftp://example.org/x"); !errors.Is(err, ErrScheme) {
		t.Errorf("ftp URL: err = %v, want ErrScheme", err)
	}
}

func TestTimeout(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	o := testOptions()
	o.Robots = false
	o.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, err := get(t, New(o), s.URL+"/slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if !strings.Contains(err.Error(), "/slow") {
		t.Errorf("error %q does not name the URL", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, the timeout was 200ms", d)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		fmt.Fprint(w, "ok")
	}))
	o := testOptions()
	o.PerHostConcurrency = 1
	c := New(o)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			if _, err := get(t, c, fmt.Sprintf("%s/p%d", s.URL, i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 1 {
		t.Errorf("server saw %d concurrent requests, want 1", p)
	}
}

func TestPerHostRate(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		fmt.Fprint(w, "ok")
	}))
	o := testOptions()
	o.Robots = false
	o.PerHostRate = 20 // one token every 50ms, burst 1
	c := New(o)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if _, err := get(t, c, fmt.Sprintf("%s/p%d", s.URL, i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(arrivals) != 5 {
		t.Fatalf("%d requests arrived, want 5", len(arrivals))
	}
	// The limiter hands out its first token at once and one every 50ms
	// after it, so the fifth request cannot be sent before start+200ms.
	// Load only delays requests, so this lower bound cannot flake.
	last := arrivals[0]
	for _, a := range arrivals {
		if a.After(last) {
			last = a
		}
	}
	if d := last.Sub(start); d < 190*time.Millisecond {
		t.Errorf("5 requests at 20/s arrived within %s, want at least 200ms", d)
	}
}

func TestStatusError(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		path       string
		status     int
		retryAfter string
		want       time.Duration
		minWant    time.Duration
	}{
		{"/429", 429, "7", 7 * time.Second, 7 * time.Second},
		{"/503-date", 503, date, 0, 80 * time.Second},
		{"/503-none", 503, "", 0, 0},
		{"/500", 500, "7", 0, 0},
		{"/404", 404, "", 0, 0},
	}
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, tt := range tests {
			if tt.path == r.URL.Path {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				return
			}
		}
		w.WriteHeader(404)
	}))
	c := New(testOptions())
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := get(t, c, s.URL+tt.path)
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *StatusError", err)
			}
			if se.Status != tt.status || se.URL != s.URL+tt.path {
				t.Errorf("StatusError = %+v", se)
			}
			if tt.want != 0 && se.RetryAfter != tt.want || se.RetryAfter < tt.minWant || tt.minWant == 0 && se.RetryAfter != 0 {
				t.Errorf("RetryAfter = %s, want %s (at least %s)", se.RetryAfter, tt.want, tt.minWant)
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&StatusError{Status: 404}, true},
		{fmt.Errorf("x: %w", &StatusError{Status: 410}), true},
		{&StatusError{Status: 429}, false},
		{&StatusError{Status: 408}, false},
		{&StatusError{Status: 500}, false},
		{fmt.Errorf("fetching x: %w", ErrDisallowed), true},
		{fmt.Errorf("fetching x: %w", ErrRobotsUnavailable), false},
		{fmt.Errorf("fetching x: %w", context.DeadlineExceeded), false},
		{fmt.Errorf("fetching x: %w", ErrTooLarge), true},
		{io.ErrUnexpectedEOF, false},
	}
	for _, tt := range tests {
		if got := Permanent(tt.err); got != tt.want {
			t.Errorf("Permanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	o := testOptions()
	o.Robots = false
	o.PerHostRate = 0.01 // one request, then a 100s wait
	c := New(o)
	if _, err := get(t, c, s.URL+"/a"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, Request{URL: s.URL + "/b"}); err == nil {
		t.Fatal("Get returned no error after its context ended")
	}
	if s.count("/b") != 0 {
		t.Error("/b was requested despite the rate limit")
	}
}
