package fetch

import (
	"context"
	"net/url"
	"strings"

	"golang.org/x/time/rate"
)

// host holds the limits of one host.
type host struct {
	lim *rate.Limiter
	sem chan struct{}
}

// acquire waits for a slot and a token of u's host; release frees the
// slot. A request holds its slot until its body is read.
func (c *Client) acquire(ctx context.Context, u *url.URL) (release func(), err error) {
	h := c.host(strings.ToLower(u.Hostname()))
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := h.lim.Wait(ctx); err != nil {
		<-h.sem
		return nil, err
	}
	return func() { <-h.sem }, nil
}

func (c *Client) host(name string) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hosts[name]
	if !ok {
		h = &host{
			lim: rate.NewLimiter(rate.Limit(c.o.PerHostRate), 1),
			sem: make(chan struct{}, c.o.PerHostConcurrency),
		}
		c.hosts[name] = h
	}
	return h
}
