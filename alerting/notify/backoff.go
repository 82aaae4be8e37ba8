package notify

import (
	"math/rand/v2"
	"time"
)

// Backoff is the retry schedule: after the n-th failure the notification
// waits Base·2^(n-1), at most Max, plus up to Jitter (a fraction, 0…1) of
// that at random.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64
}

// DefaultBackoff is used when WorkerOptions.Backoff is zero.
var DefaultBackoff = Backoff{Base: time.Second, Max: 5 * time.Minute, Jitter: 0.2}

// Delay returns the wait after the given number of failed attempts (≥ 1).
func (b Backoff) Delay(attempts int) time.Duration {
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if b.Jitter > 0 && d > 0 {
		d += time.Duration(rand.Float64() * b.Jitter * float64(d))
	}
	return d
}
