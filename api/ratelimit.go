package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// callerLimits holds one token bucket per caller (a user name, whatever
// token or session it uses): RatePerMinute requests a minute with a burst
// of a tenth of that. Buckets idle for an hour are dropped.
type callerLimits struct {
	perMinute int
	mu        sync.Mutex
	buckets   map[string]*bucket
	swept     time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newCallerLimits(perMinute int) *callerLimits {
	return &callerLimits{perMinute: perMinute, buckets: map[string]*bucket{}}
}

// allow takes one request of caller; when the caller is over its rate it
// returns false and how long to wait.
func (c *callerLimits) allow(caller string, now time.Time) (bool, time.Duration) {
	if c == nil || c.perMinute <= 0 {
		return true, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.swept) > time.Hour {
		for k, b := range c.buckets {
			if now.Sub(b.used) > time.Hour {
				delete(c.buckets, k)
			}
		}
		c.swept = now
	}
	b := c.buckets[caller]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(c.perMinute)/60), max(1, c.perMinute/10))}
		c.buckets[caller] = b
	}
	b.used = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimited answers 429 with Retry-After when caller is over its rate.
func (s *Server) rateLimited(w http.ResponseWriter, caller string) bool {
	ok, wait := s.limits.allow(caller, s.opts.Now())
	if ok {
		return false
	}
	s.metrics.rateLimited.Inc()
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, CodeRateLimited,
		"too many requests from "+caller+": at most "+strconv.Itoa(s.limits.perMinute)+" a minute; retry after "+wait.Round(time.Second).String())
	return true
}
