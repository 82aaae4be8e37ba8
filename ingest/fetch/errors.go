package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

var (
	// ErrDisallowed is returned (wrapped with the URL) when robots.txt
	// forbids fetching a URL; the URL is never requested.
	ErrDisallowed = errors.New("disallowed by robots.txt")
	// ErrRobotsUnavailable is returned when a host's robots.txt could not
	// be read (5xx, unreachable): nothing is fetched from the host until it
	// can be, which is temporary, unlike ErrDisallowed.
	ErrRobotsUnavailable = errors.New("robots.txt unavailable, fetching nothing from the host for now")
	// ErrTooLarge is returned when a body exceeds Options.MaxBodyBytes.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects is returned when more than Options.MaxRedirects
	// redirects would be followed.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrScheme is returned for a URL that is not http or https.
	ErrScheme = errors.New("only http and https URLs are fetched")
)

// StatusError is a response that is neither 2xx nor 304.
type StatusError struct {
	// URL answered with Status (the last one when redirected).
	URL    string
	Status int
	// RetryAfter is the wait the server asked for with a 429 or 503
	// (Retry-After in seconds or as an HTTP date); 0 when none.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("fetching %s: status %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Permanent reports whether fetching the same URL again is pointless: it
// is disallowed, gone or refused (a 4xx other than 408 and 429), too large,
// or redirects too often. Server errors, timeouts and an unavailable
// robots.txt are temporary.
func Permanent(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status >= 400 && se.Status < 500 && se.Status != http.StatusRequestTimeout && se.Status != http.StatusTooManyRequests
	}
	return errors.Is(err, ErrDisallowed) || errors.Is(err, ErrTooLarge) ||
		errors.Is(err, ErrTooManyRedirects) || errors.Is(err, ErrScheme)
}

// retryAfter parses a Retry-After header of a 429 or 503 response.
func retryAfter(status int, h string, now time.Time) time.Duration {
	if h == "" || (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable) {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
