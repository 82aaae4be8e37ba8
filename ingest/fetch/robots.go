package fetch

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
)

const (
	// robotsTTL is how long a host's robots.txt is trusted.
	robotsTTL = time.Hour
	// robotsRetry is how long an unavailable robots.txt keeps its host
	// closed before it is asked for again.
	robotsRetry = time.Minute
)

// robotsEntry is the cached robots.txt of one origin. lock (a channel, so
// that waiting for it honours ctx) is held while it is fetched, so that
// concurrent requests to a new host fetch it once.
type robotsEntry struct {
	lock    chan struct{}
	data    *robotstxt.RobotsData // nil: allow all
	err     error                 // robots.txt unavailable: allow nothing
	expires time.Time
}

// allowed returns nil when robots.txt lets our agent fetch u, an error
// wrapping ErrDisallowed when it does not, and one wrapping
// ErrRobotsUnavailable when it cannot be read.
func (c *Client) allowed(ctx context.Context, u *url.URL) error {
	e := c.robotsEntry(u.Scheme + "://" + u.Host)
	select {
	case e.lock <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("fetching %s: waiting for robots.txt: %w", u, ctx.Err())
	}
	defer func() { <-e.lock }()
	if now := c.now(); !now.Before(e.expires) {
		data, err := c.fetchRobots(ctx, u)
		if err != nil && ctx.Err() != nil {
			// Our own cancellation says nothing about the host.
			return fmt.Errorf("fetching %s: %w", u, err)
		}
		e.data, e.err, e.expires = data, err, now.Add(robotsTTL)
		if err != nil {
			e.expires = now.Add(robotsRetry)
			c.log.WarnContext(ctx, "robots.txt unavailable", "host", u.Host, "err", err)
		}
	}
	if e.err != nil {
		return fmt.Errorf("fetching %s: %w: %v", u, ErrRobotsUnavailable, e.err)
	}
	if e.data != nil && !e.data.TestAgent(u.RequestURI(), c.agent) {
		return fmt.Errorf("fetching %s: %w", u, ErrDisallowed)
	}
	return nil
}

func (c *Client) robotsEntry(origin string) *robotsEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.robots[origin]
	if !ok {
		e = &robotsEntry{lock: make(chan struct{}, 1)}
		c.robots[origin] = e
	}
	return e
}

// fetchRobots reads the robots.txt of u's origin, within the host's
// limits. A 4xx means no rules (allow all); a 5xx or a failure is an
// error.
func (c *Client) fetchRobots(ctx context.Context, u *url.URL) (*robotstxt.RobotsData, error) {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	for hops := 0; ; hops++ {
		resp, next, err := c.hop(ctx, ru, Request{})
		if se, ok := err.(*StatusError); ok && se.Status >= 400 && se.Status < 500 {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if next == nil {
			data, perr := robotstxt.FromBytes(resp.Body)
			if perr != nil {
				c.log.WarnContext(ctx, "robots.txt unparseable, allowing all", "url", ru.String(), "err", perr)
				return nil, nil
			}
			return data, nil
		}
		if hops >= max(c.o.MaxRedirects, 5) {
			return nil, fmt.Errorf("fetching %s: %w", ru, ErrTooManyRedirects)
		}
		ru = next
	}
}
