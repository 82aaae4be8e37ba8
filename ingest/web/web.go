package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/ingest/fetch"
)

// CodeFetchFailed is the Reject code of an article page that could not
// be fetched.
const CodeFetchFailed = "fetch_failed"

// batchSize bounds the articles fetched for one Batch.
const batchSize = 10

// Source reads one site through its list pages. Read is not meant to be
// called concurrently (the runner reads a source from one goroutine);
// concurrent calls are serialised.
type Source struct {
	src   configs.Source
	sel   selectors
	fc    *fetch.Client
	lim   ingest.Limits
	now   func() time.Time
	kind  string
	pages int
	loc   *time.Location
	log   *slog.Logger

	mu sync.Mutex
	// deferred are articles that failed temporarily during this poll: the
	// Reads that continue it (with the cursor returned with More) skip
	// them, the next poll retries them.
	deferred struct {
		cursor []byte
		urls   map[string]bool
	}
}

var _ collect.Source = (*Source)(nil)

// selectors are the compiled selectors of a source; nil for those unset.
type selectors struct {
	item, link, next, title, body, time, author cascadia.Selector
}

// New returns the Source of src, a source of type web. Every selector
// must compile; the error names the field (selectors.item: …). fc is the
// shared polite client; lim bounds each Post; now gives the time of
// articles whose time is missing or unreadable (nil: time.Now).
func New(src configs.Source, fc *fetch.Client, lim ingest.Limits, now func() time.Time) (*Source, error) {
	if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url: %q is not an http(s) URL", src.URL)
	}
	if src.Selectors == nil {
		return nil, errors.New("selectors: must be set for a web source")
	}
	if fc == nil {
		return nil, errors.New("web: a fetch client is required")
	}
	sel, err := compile(*src.Selectors)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	s := &Source{src: src, sel: sel, fc: fc, lim: lim, now: now, kind: src.Kind, pages: max(src.Pages, 1),
		loc: shanghai(), log: slog.Default().With("source", src.Name)}
	if s.kind == "" {
		s.kind = ingest.KindArticle
	}
	return s, nil
}

func compile(ws configs.WebSelectors) (selectors, error) {
	var s selectors
	for _, f := range []struct {
		name, sel string
		required  bool
		dst       *cascadia.Selector
	}{
		{"item", ws.Item, true, &s.item}, {"link", ws.Link, true, &s.link}, {"next", ws.Next, false, &s.next},
		{"title", ws.Title, false, &s.title}, {"body", ws.Body, true, &s.body},
		{"time", ws.Time, false, &s.time}, {"author", ws.Author, false, &s.author},
	} {
		if f.sel == "" {
			if f.required {
				return s, fmt.Errorf("selectors.%s: must be set", f.name)
			}
			continue
		}
		c, err := cascadia.Compile(f.sel)
		if err != nil {
			return s, fmt.Errorf("selectors.%s: %q: %w", f.name, f.sel, err)
		}
		*f.dst = c
	}
	return s, nil
}

// article is a link found on a list page.
type article struct{ url, list string }

// Read walks the list pages (src.URL, then Selectors.Next up to Pages
// pages) and fetches the first 10 articles not in the cursor, with More
// set while unseen articles remain. A list page that cannot be fetched is
// an error naming it. An article that cannot be fetched is a Reject
// (fetch_failed); it is remembered as seen when the failure is permanent
// (4xx, disallowed by robots.txt) and retried by the next poll otherwise.
func (s *Source) Read(ctx context.Context, cur []byte) (collect.Batch, error) {
	c, err := decodeCursor(cur)
	if err != nil {
		return collect.Batch{}, fmt.Errorf("source %s: %w", s.src.Name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deferred := s.deferredFor(cur)
	skip := make(map[string]bool, len(c.Seen)+len(deferred))
	for u := range deferred {
		skip[u] = true
	}
	for _, u := range c.Seen {
		skip[u] = true
	}
	todo, listed, err := s.walk(ctx, skip)
	if err != nil {
		return collect.Batch{}, err
	}
	take := todo[:min(batchSize, len(todo))]
	var b collect.Batch
	var done []string
	for i, a := range take {
		p, err := s.article(ctx, a)
		if err != nil {
			if ctx.Err() != nil {
				return collect.Batch{}, fmt.Errorf("source %s: article %s: %w", s.src.Name, a.url, ctx.Err())
			}
			b.Rejects = append(b.Rejects, ingest.Reject{Index: i, Code: CodeFetchFailed,
				Message: fmt.Sprintf("article %s: %v", a.url, err)})
			if fetch.Permanent(err) {
				done = append(done, a.url)
			} else {
				deferred[a.url] = true
			}
			continue
		}
		done = append(done, a.url)
		if rej := ingest.Check(&p, s.lim); rej != nil {
			rej.Index, rej.ID = i, p.ID
			rej.Message = fmt.Sprintf("article %s: %s", a.url, rej.Message)
			b.Rejects = append(b.Rejects, *rej)
			continue
		}
		b.Posts = append(b.Posts, p)
	}
	c.add(done, listed)
	b.Cursor = c.encode()
	b.More = len(todo) > len(take)
	s.deferred.cursor, s.deferred.urls = nil, nil
	if b.More {
		s.deferred.cursor, s.deferred.urls = b.Cursor, deferred
	}
	return b, nil
}

// deferredFor returns the articles deferred by the Reads that led to cur
// (a copy), or an empty set when cur starts a poll.
func (s *Source) deferredFor(cur []byte) map[string]bool {
	out := map[string]bool{}
	if s.deferred.cursor != nil && bytes.Equal(s.deferred.cursor, cur) {
		for u := range s.deferred.urls {
			out[u] = true
		}
	}
	return out
}

// walk reads the list pages and returns the articles not in skip, in
// list order, stopping once it has more than a batch. listed holds every
// article URL seen on the pages read.
func (s *Source) walk(ctx context.Context, skip map[string]bool) (todo []article, listed map[string]bool, err error) {
	listed = map[string]bool{}
	visited := map[string]bool{}
	next := s.src.URL
	for page := 0; page < s.pages && next != "" && !visited[next] && len(todo) <= batchSize; page++ {
		visited[next] = true
		doc, final, err := s.get(ctx, next)
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: list page %s: %w", s.src.Name, next, err)
		}
		base, _ := url.Parse(final)
		doc.FindMatcher(s.sel.item).Each(func(_ int, item *goquery.Selection) {
			href, ok := item.FindMatcher(s.sel.link).First().Attr("href")
			if !ok && s.sel.link.Match(item.Get(0)) {
				href, ok = item.Attr("href")
			}
			u := resolve(base, href)
			if !ok || u == "" || listed[u] {
				return
			}
			listed[u] = true
			if !skip[u] {
				todo = append(todo, article{url: u, list: final})
			}
		})
		next = ""
		if s.sel.next != nil {
			if href, ok := doc.FindMatcher(s.sel.next).First().Attr("href"); ok {
				next = resolve(base, href)
			}
		}
	}
	return todo, listed, nil
}

// get fetches a page and parses it, decoded to UTF-8; final is its URL
// after redirects.
func (s *Source) get(ctx context.Context, u string) (doc *goquery.Document, final string, err error) {
	resp, err := s.fc.Get(ctx, fetch.Request{URL: u, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})
	if err != nil {
		return nil, "", err
	}
	body, err := resp.UTF8()
	if err != nil {
		return nil, "", err
	}
	doc, err = goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, "", fmt.Errorf("parsing %s: %w", resp.URL, err)
	}
	return doc, resp.URL, nil
}

// resolve returns the absolute http(s) URL of href on base, or "".
func resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || base == nil {
		return ""
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.Fragment = ""
	return u.String()
}
