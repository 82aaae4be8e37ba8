// Package fetch is the polite HTTP client every web collector (rss, web)
// shares. It sits under the collectors, which turn what it fetches into
// Posts for the raw topic: it sends an identifying User-Agent with a
// contact, honours robots.txt, limits the requests per second and the
// requests in flight to each host, bounds bodies, redirects and time, and
// decodes legacy Chinese encodings (GBK, GB18030, Big5) to UTF-8.
//
// It never retries: a failed fetch returns an error (a *StatusError
// carries Retry-After) and the collector runner backs off and polls again.
package fetch
