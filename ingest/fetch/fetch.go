package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
)

// Options configure a Client. FromConfig builds them from the collect
// section; zero values get the defaults noted on each field.
type Options struct {
	// UserAgent is sent as UserAgent + " (+" + Contact + ")" when Contact
	// is set (default "yuqing"). Its product token (the part before the
	// first "/" or space, lower-cased) is the agent robots.txt is read for.
	UserAgent, Contact string
	// Robots honours robots.txt.
	Robots bool
	// Timeout bounds one request: connecting, headers and body (default
	// 30s). Waiting for the host's rate and concurrency limits is not
	// counted; the caller's context bounds that.
	Timeout time.Duration
	// MaxBodyBytes bounds a body (default 10 MiB); a larger one is
	// ErrTooLarge.
	MaxBodyBytes int64
	// MaxRedirects is how many redirects are followed (0: none).
	MaxRedirects int
	// PerHostRate is the requests per second sent to one host, burst 1
	// (default 1). PerHostConcurrency is the requests in flight to one
	// host (default 1). A host is a host name: ports share its limits.
	PerHostRate        float64
	PerHostConcurrency int
	// Transport sends the requests; nil clones http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives debug lines for each request and warnings about
	// robots.txt (default slog.Default()).
	Logger *slog.Logger
}

// FromConfig returns the Options of the collect section.
func FromConfig(c configs.Collect) Options {
	return Options{
		UserAgent:          c.UserAgent,
		Contact:            c.Contact,
		Robots:             c.Robots,
		Timeout:            c.Timeout,
		MaxBodyBytes:       c.MaxBodyBytes,
		MaxRedirects:       c.MaxRedirects,
		PerHostRate:        c.PerHostRate,
		PerHostConcurrency: c.PerHostConcurrency,
	}
}

// Client fetches pages politely. It is safe for concurrent use; share one
// between all collectors so that per-host limits hold across them.
type Client struct {
	o     Options
	ua    string // the User-Agent header
	agent string // the product token robots.txt is read for
	hc    *http.Client
	log   *slog.Logger
	now   func() time.Time

	mu     sync.Mutex
	hosts  map[string]*host        // by host name
	robots map[string]*robotsEntry // by scheme://host:port
}

// New returns a Client with o.
func New(o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = "yuqing"
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 10 << 20
	}
	if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.PerHostRate <= 0 {
		o.PerHostRate = 1
	}
	if o.PerHostConcurrency <= 0 {
		o.PerHostConcurrency = 1
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	ua := o.UserAgent
	if o.Contact != "" {
		ua += " (+" + o.Contact + ")"
	}
	return &Client{
		o:     o,
		ua:    ua,
		agent: productToken(o.UserAgent),
		hc: &http.Client{
			Transport: o.Transport,
			// Redirects are followed by Get, hop by hop, so that each one
			// is robots-checked and limited like the first request.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log:    o.Logger,
		now:    time.Now,
		hosts:  map[string]*host{},
		robots: map[string]*robotsEntry{},
	}
}

// productToken returns the robots.txt agent of a User-Agent ("yuqing"
// for "yuqing/1.2 (+https://…)").
func productToken(ua string) string {
	if i := strings.IndexAny(ua, "/ "); i >= 0 {
		ua = ua[:i]
	}
	return strings.ToLower(ua)
}

// Request is one GET. ETag and LastModified, from an earlier Response,
// make it conditional: an unchanged resource answers NotModified.
type Request struct {
	URL, ETag, LastModified string
	// Accept is sent as the Accept header when set.
	Accept string
}

// Response is a successful (2xx or 304) response.
type Response struct {
	// URL is the final URL, after redirects.
	URL    string
	Status int
	// NotModified is a 304 answer to a conditional request; Body is empty.
	NotModified bool
	// Body is the body as served (after transfer decompression), at most
	// MaxBodyBytes.
	Body                            []byte
	ContentType, ETag, LastModified string
}

// Get fetches req.URL, following at most MaxRedirects redirects. Each URL
// requested (robots.txt and redirect targets included) is checked against
// robots.txt and waits for its host's rate and concurrency limits. Errors
// name the URL; a non-2xx, non-304 answer is a *StatusError. A cancelled
// ctx ends the wait or the request with ctx's error.
func (c *Client) Get(ctx context.Context, req Request) (Response, error) {
	u, err := c.parse(req.URL)
	if err != nil {
		return Response{}, err
	}
	for hops := 0; ; hops++ {
		if c.o.Robots {
			if err := c.allowed(ctx, u); err != nil {
				return Response{}, err
			}
		}
		resp, next, err := c.hop(ctx, u, req)
		if err != nil || next == nil {
			return resp, err
		}
		if hops >= c.o.MaxRedirects {
			return Response{}, fmt.Errorf("fetching %s: %w (more than %d)", req.URL, ErrTooManyRedirects, c.o.MaxRedirects)
		}
		c.log.DebugContext(ctx, "fetch redirect", "from", u.String(), "to", next.String())
		u = next
	}
}

// parse checks that raw is an absolute http(s) URL.
func (c *Client) parse(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("fetching %s: %w", raw, ErrScheme)
	}
	u.Fragment = ""
	return u, nil
}

// hop sends one request to u within its host's limits. It returns the
// redirect target, if the response is a redirect, or the Response.
func (c *Client) hop(ctx context.Context, u *url.URL, req Request) (Response, *url.URL, error) {
	release, err := c.acquire(ctx, u)
	if err != nil {
		return Response{}, nil, fmt.Errorf("fetching %s: waiting for host limits: %w", u, err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Response{}, nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	hr.Header.Set("User-Agent", c.ua)
	if req.Accept != "" {
		hr.Header.Set("Accept", req.Accept)
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	start := time.Now()
	res, err := c.hc.Do(hr)
	if err != nil {
		return Response{}, nil, fmt.Errorf("fetching %s: %w", u, unwrapURLError(err))
	}
	defer res.Body.Close()
	c.log.DebugContext(ctx, "fetch", "url", u.String(), "status", res.StatusCode, "took", time.Since(start))
	resp := Response{
		URL: u.String(), Status: res.StatusCode,
		ContentType: res.Header.Get("Content-Type"), ETag: res.Header.Get("ETag"), LastModified: res.Header.Get("Last-Modified"),
	}
	switch {
	case isRedirect(res.StatusCode):
		loc := res.Header.Get("Location")
		if loc == "" {
			return resp, nil, &StatusError{URL: u.String(), Status: res.StatusCode}
		}
		next, err := u.Parse(loc)
		if err != nil {
			return resp, nil, fmt.Errorf("fetching %s: redirect to %q: %w", u, loc, err)
		}
		if next.Scheme != "http" && next.Scheme != "https" {
			return resp, nil, fmt.Errorf("fetching %s: redirect to %s: %w", u, next, ErrScheme)
		}
		next.Fragment = ""
		return resp, next, nil
	case res.StatusCode == http.StatusNotModified:
		resp.NotModified = true
		return resp, nil, nil
	case res.StatusCode < 200 || res.StatusCode > 299:
		return resp, nil, &StatusError{URL: u.String(), Status: res.StatusCode,
			RetryAfter: retryAfter(res.StatusCode, res.Header.Get("Retry-After"), c.now())}
	}
	if res.ContentLength > c.o.MaxBodyBytes {
		return resp, nil, fmt.Errorf("fetching %s: %w (%d bytes, the limit is %d)", u, ErrTooLarge, res.ContentLength, c.o.MaxBodyBytes)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, c.o.MaxBodyBytes+1))
	if err != nil {
		return resp, nil, fmt.Errorf("fetching %s: reading body: %w", u, unwrapURLError(err))
	}
	if int64(len(body)) > c.o.MaxBodyBytes {
		return resp, nil, fmt.Errorf("fetching %s: %w (the limit is %d bytes)", u, ErrTooLarge, c.o.MaxBodyBytes)
	}
	resp.Body = body
	return resp, nil, nil
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// unwrapURLError drops the *url.Error around a transport error: the
// caller names the URL itself.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
