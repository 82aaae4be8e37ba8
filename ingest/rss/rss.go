package rss

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/ingest/fetch"
)

// batchSize bounds the Posts of one Batch, so that progress through a
// long feed is stored in steps.
const batchSize = 20

// pendingTTL is how long the items left over from a fetch are emitted
// without fetching the feed again.
const pendingTTL = time.Minute

const accept = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

// Source reads one feed. Read is not meant to be called concurrently (the
// runner reads a source from one goroutine); concurrent calls are
// serialised.
type Source struct {
	src  configs.Source
	fc   *fetch.Client
	lim  ingest.Limits
	now  func() time.Time
	kind string
	log  *slog.Logger

	mu      sync.Mutex
	pending *pending
}

var _ collect.Source = (*Source)(nil)

// pending are the items of a fetch that are still to be emitted after
// the batch that returned cursor.
type pending struct {
	cursor        []byte
	fetched       time.Time
	feedTitle     string
	items         []item
	current       map[string]bool // keys of all items in the feed
	etag, lastMod string
}

// item is one feed item with its key and its position in the feed.
type item struct {
	*gofeed.Item
	key   string
	link  string // resolved against the feed URL
	index int
}

// New returns the Source of src, a source of type rss. fc is the shared
// polite client; lim bounds each Post; now gives the time of items that
// carry none (nil: time.Now).
func New(src configs.Source, fc *fetch.Client, lim ingest.Limits, now func() time.Time) (*Source, error) {
	if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url: %q is not an http(s) URL", src.URL)
	}
	if fc == nil {
		return nil, errors.New("rss: a fetch client is required")
	}
	if now == nil {
		now = time.Now
	}
	kind := src.Kind
	if kind == "" {
		kind = ingest.KindArticle
	}
	return &Source{src: src, fc: fc, lim: lim, now: now, kind: kind,
		log: slog.Default().With("source", src.Name)}, nil
}

// Read fetches the feed (conditionally, with the ETag and Last-Modified
// of the cursor) and returns up to 20 items not emitted before, with
// More set while items remain. An unchanged feed (304) gives an empty
// Batch with the same cursor. A feed that cannot be fetched or parsed is
// an error naming the source and URL; an item that fails ingest.Check is
// a Reject; a failed full-text fetch keeps the feed's text and is noted
// in meta.full_text_error.
func (s *Source) Read(ctx context.Context, cur []byte) (collect.Batch, error) {
	c, err := decodeCursor(cur)
	if err != nil {
		return collect.Batch{}, fmt.Errorf("source %s: %w", s.src.Name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending
	s.pending = nil
	if p == nil || !bytes.Equal(p.cursor, cur) || s.now().Sub(p.fetched) > pendingTTL {
		if p, err = s.fetch(ctx, c); err != nil {
			return collect.Batch{}, err
		}
		if p == nil {
			return collect.Batch{Cursor: cur}, nil
		}
	}
	return s.emit(ctx, c, p)
}

// fetch reads and parses the feed and returns its items not in c.Seen,
// oldest first; nil when the feed is unchanged.
func (s *Source) fetch(ctx context.Context, c cursor) (*pending, error) {
	resp, err := s.fc.Get(ctx, fetch.Request{URL: s.src.URL, ETag: c.ETag, LastModified: c.LastModified, Accept: accept})
	if err != nil {
		return nil, fmt.Errorf("source %s: feed %s: %w", s.src.Name, s.src.URL, err)
	}
	if resp.NotModified {
		return nil, nil
	}
	feed, err := parse(resp)
	if err != nil {
		return nil, fmt.Errorf("source %s: parsing feed %s: %w", s.src.Name, s.src.URL, err)
	}
	seen := c.Seen.Set()
	p := &pending{fetched: s.now(), feedTitle: feed.Title, current: map[string]bool{},
		etag: resp.ETag, lastMod: resp.LastModified}
	base, _ := url.Parse(resp.URL)
	for i, it := range feed.Items {
		link := resolve(base, it.Link)
		if link == "" && len(it.Links) > 0 {
			link = resolve(base, it.Links[0])
		}
		key := itemKey(it, link)
		if p.current[key] {
			continue // listed twice in the same feed
		}
		p.current[key] = true
		if !seen[key] {
			p.items = append(p.items, item{Item: it, key: key, link: link, index: i})
		}
	}
	slices.SortStableFunc(p.items, func(a, b item) int { return cmpTime(itemTime(a.Item), itemTime(b.Item)) })
	return p, nil
}

// xmlDecl matches the encoding of an XML declaration.
var xmlDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?\sencoding\s*=\s*["'])[^"']*(["'])`)

// parse decodes the body to UTF-8 (from the HTTP charset, the XML
// declaration or a sniff) and parses it as RSS, Atom, RDF or JSON Feed.
func parse(resp fetch.Response) (*gofeed.Feed, error) {
	body, err := resp.UTF8()
	if err != nil {
		return nil, err
	}
	body = xmlDecl.ReplaceAll(body, []byte("${1}UTF-8${2}"))
	return gofeed.NewParser().Parse(bytes.NewReader(body))
}

// emit turns the next items of p into a Batch and keeps the rest.
func (s *Source) emit(ctx context.Context, c cursor, p *pending) (collect.Batch, error) {
	take := p.items[:min(batchSize, len(p.items))]
	rest := p.items[len(take):]
	var b collect.Batch
	keys := make([]string, 0, len(take))
	for _, it := range take {
		post, err := s.post(ctx, p.feedTitle, it)
		if err != nil {
			return collect.Batch{}, err
		}
		if rej := ingest.Check(&post, s.lim); rej != nil {
			rej.Index, rej.ID = it.index, post.ID
			rej.Message = fmt.Sprintf("item %s: %s", it.ref(), rej.Message)
			b.Rejects = append(b.Rejects, *rej)
		} else {
			b.Posts = append(b.Posts, post)
		}
		keys = append(keys, it.key)
	}
	c.add(keys, p.current)
	if len(rest) == 0 {
		c.ETag, c.LastModified = p.etag, p.lastMod
	}
	b.Cursor = c.encode()
	b.More = len(rest) > 0
	if b.More {
		p.items, p.cursor = rest, b.Cursor
		s.pending = p
	}
	return b, nil
}

// post builds the Post of an item, with the article's full text when the
// source asks for it. Only a cancelled ctx is an error.
func (s *Source) post(ctx context.Context, feedTitle string, it item) (ingest.Post, error) {
	text := fetch.HTMLText(cmp.Or(it.Content, it.Description))
	meta := map[string]string{"feed": feedTitle}
	if it.GUID != "" {
		meta["guid"] = it.GUID
	}
	if s.src.FullText && it.link != "" {
		full, err := s.fullText(ctx, it.link)
		switch {
		case ctx.Err() != nil:
			return ingest.Post{}, fmt.Errorf("source %s: full text of %s: %w", s.src.Name, it.link, ctx.Err())
		case err != nil:
			meta["full_text_error"] = err.Error()
			s.log.InfoContext(ctx, "full text unavailable, keeping the feed's text", "url", it.link, "err", err)
		case len(full) > len(text):
			text = full
		}
	}
	published := itemTime(it.Item)
	if published.IsZero() {
		published = s.now()
	}
	p := ingest.Post{
		Source: s.src.Name, Kind: s.kind,
		Title:       fetch.HTMLText(it.Title),
		Text:        text,
		URL:         it.link,
		Author:      author(it.Item),
		PublishedAt: published,
	}
	p.Meta, _ = json.Marshal(meta)
	p.ID = ingest.PostID(p)
	return p, nil
}

// ref names an item in messages.
func (it item) ref() string {
	return cmp.Or(it.link, it.GUID, it.key)
}

// itemKey identifies an item across fetches: its GUID, else its link,
// else a hash of its title and content.
func itemKey(it *gofeed.Item, link string) string {
	if it.GUID != "" {
		return "g:" + it.GUID
	}
	if link != "" {
		return "l:" + link
	}
	h := sha256.Sum256([]byte(it.Title + "\x00" + it.Content + "\x00" + it.Description))
	return "h:" + hex.EncodeToString(h[:12])
}

// itemTime is the item's published time, else its updated time, else zero.
func itemTime(it *gofeed.Item) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return *it.PublishedParsed
	case it.UpdatedParsed != nil:
		return *it.UpdatedParsed
	}
	return time.Time{}
}

// cmpTime orders times, the zero time last.
func cmpTime(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

func author(it *gofeed.Item) string {
	for _, a := range it.Authors {
		if a != nil && cmp.Or(a.Name, a.Email) != "" {
			return cmp.Or(a.Name, a.Email)
		}
	}
	if dc := it.DublinCoreExt; dc != nil && len(dc.Creator) > 0 {
		return dc.Creator[0]
	}
	return ""
}

// resolve returns ref resolved against base, or "" when it is not a URL.
func resolve(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return u.String()
}
