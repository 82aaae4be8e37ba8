package notify

import (
	"sync"
	"time"
)

// RateLimit caps sends to one receiver: PerSecond on average, bursts of up
// to Burst (at least 1).
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// bucket is a token bucket driven by an injected clock.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(l RateLimit, now time.Time) *bucket {
	burst := float64(max(l.Burst, 1))
	return &bucket{rate: l.PerSecond, burst: burst, tokens: burst, last: now}
}

// allow takes a token if one is available at now.
func (b *bucket) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(b.burst, b.tokens+el.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
