package configs

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Source types.
const (
	SourceRSS      = "rss"
	SourceWeb      = "web"
	SourceHTTPPush = "http_push"
	SourceFile     = "file"
	SourceKafka    = "kafka"
)

// Dedup keys a source may be deduplicated by (Source.Dedup).
const (
	DedupURL     = "url"
	DedupContent = "content"
)

// Collect configures what all collectors share: how they behave towards
// the sites they read and how duplicates are recognised.
type Collect struct {
	// UserAgent is sent with every request; Contact (a URL or e-mail) is
	// appended so that a site owner can reach the operator.
	UserAgent string `yaml:"user_agent"`
	Contact   string `yaml:"contact"`
	// Robots honours robots.txt (on by default; turn it off only for
	// sites you own or have an agreement with).
	Robots bool `yaml:"robots"`
	// Timeout bounds one HTTP request, MaxBodyBytes one response body,
	// MaxRedirects the redirects followed.
	Timeout      time.Duration `yaml:"timeout"`
	MaxBodyBytes int64         `yaml:"max_body_bytes"`
	MaxRedirects int           `yaml:"max_redirects"`
	// PerHostRate is the requests per second sent to one host (a burst of
	// one), PerHostConcurrency the requests in flight to one host.
	PerHostRate        float64 `yaml:"per_host_rate"`
	PerHostConcurrency int     `yaml:"per_host_concurrency"`
	// DedupWindow is how long a URL or a text is remembered: the same one
	// from any source within it goes through once.
	DedupWindow time.Duration `yaml:"dedup_window"`
	// LeaseTTL is how long a collector holds a source before another
	// replica may take it over (it renews the lease while it works).
	LeaseTTL time.Duration `yaml:"lease_ttl"`
	// BackoffInitial and BackoffMax bound the wait after a failed poll:
	// it doubles from BackoffInitial (with jitter) up to BackoffMax or
	// the source's interval, whichever is larger.
	BackoffInitial time.Duration `yaml:"backoff_initial"`
	BackoffMax     time.Duration `yaml:"backoff_max"`
}

// Source is one configured collector. Which keys apply depends on Type;
// a key set for a type that does not use it is an error.
type Source struct {
	// Name identifies the source (state, metrics, GET /api/v1/sources,
	// the push URL); it is also the Post's source unless the record names
	// one.
	Name string `yaml:"name"`
	Type string `yaml:"type"`
	// Enabled: false keeps the source configured but not collected.
	Enabled *bool `yaml:"enabled"`
	// Interval or Schedule (a cron spec, in index.timezone) says when a
	// polled source (rss, web, file) is read.
	Interval time.Duration `yaml:"interval"`
	Schedule string        `yaml:"schedule"`
	// Labels are copied into every Post's meta.labels; Region fills the
	// Post's region when the record has none.
	Labels map[string]string `yaml:"labels"`
	Region string            `yaml:"region"`
	// Kind of the records (post, comment, article, sms); the default
	// depends on the type (article for rss and web, post otherwise).
	Kind string `yaml:"kind"`
	// Dedup lists what identifies a duplicate across sources: url,
	// content, or both (the default for all but sms); [] turns it off.
	Dedup []string `yaml:"dedup"`
	// QuietAfter marks the source quiet when it has produced nothing for
	// this long; 0 derives it from how often the source normally
	// produces.
	QuietAfter time.Duration `yaml:"quiet_after"`

	// URL is the feed (rss) or the first list page (web).
	URL string `yaml:"url"`
	// FullText (rss) fetches the page behind each item's link and
	// extracts its readable text when the feed carries only a summary.
	FullText bool `yaml:"full_text"`
	// Selectors (web) describe the list and article pages.
	Selectors *WebSelectors `yaml:"selectors"`
	// Pages (web) is how many list pages are followed through
	// Selectors.Next (default 1).
	Pages int `yaml:"pages"`

	// Path (file) is the drop folder; Format is jsonl, json or csv (each
	// optionally .gz); empty accepts all three by extension.
	Path   string `yaml:"path"`
	Format string `yaml:"format"`

	// Mapping (http_push, kafka, file csv) maps the partner's field or
	// column names to Post (or SMS, when kind is sms) fields, e.g.
	// {mobile: sender, content: text, time: received_at}. Fields not
	// mapped keep their names; unknown ones go to meta.
	Mapping map[string]string `yaml:"mapping"`
	// Token (http_push) is the bearer token the partner sends; TokenEnv
	// names an environment variable holding it instead.
	Token    string `yaml:"token"`
	TokenEnv string `yaml:"token_env"`

	// Brokers, Topic and Group (kafka) name the external topic and the
	// consumer group yuqing reads it in (default yuqing-source-NAME).
	Brokers []string `yaml:"brokers"`
	Topic   string   `yaml:"topic"`
	Group   string   `yaml:"group"`
}

// WebSelectors are the CSS selectors of a web source.
type WebSelectors struct {
	// Item selects each entry on a list page; Link, within an item, the
	// <a> to its article (its href); Next the list's next-page link.
	Item string `yaml:"item"`
	Link string `yaml:"link"`
	Next string `yaml:"next"`
	// Title, Body, Time and Author select within an article page; Time's
	// text (or its datetime attribute) is parsed with TimeFormat (Go
	// layout; empty tries common formats).
	Title      string `yaml:"title"`
	Body       string `yaml:"body"`
	Time       string `yaml:"time"`
	TimeFormat string `yaml:"time_format"`
	Author     string `yaml:"author"`
}

// IsEnabled reports whether the source is collected.
func (s Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Polled reports whether the source is read on a schedule (rss, web,
// file) rather than streamed (kafka) or pushed (http_push).
func (s Source) Polled() bool {
	return s.Type == SourceRSS || s.Type == SourceWeb || s.Type == SourceFile
}

// DedupKeys returns what the source is deduplicated by.
func (s Source) DedupKeys() []string {
	if s.Dedup != nil {
		return s.Dedup
	}
	if s.Kind == "sms" {
		return []string{DedupURL}
	}
	return []string{DedupURL, DedupContent}
}

// PushToken returns the push token, from TokenEnv when set.
func (s Source) PushToken(getenv func(string) string) string {
	if s.TokenEnv != "" {
		return getenv(s.TokenEnv)
	}
	return s.Token
}

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]{0,63}$`)

// validateSources checks the collectors; field paths are sources[i].key.
func validateSources(c Collect, srcs []Source, bad func(field, format string, args ...any)) {
	if c.UserAgent == "" {
		bad("collect.user_agent", "must be set")
	}
	if c.Timeout <= 0 {
		bad("collect.timeout", "must be positive")
	}
	if c.MaxBodyBytes <= 0 {
		bad("collect.max_body_bytes", "must be positive")
	}
	if c.MaxRedirects < 0 {
		bad("collect.max_redirects", "must not be negative")
	}
	if c.PerHostRate <= 0 {
		bad("collect.per_host_rate", "must be positive")
	}
	if c.PerHostConcurrency <= 0 {
		bad("collect.per_host_concurrency", "must be positive")
	}
	if c.DedupWindow <= 0 {
		bad("collect.dedup_window", "must be positive")
	}
	if c.LeaseTTL < time.Second {
		bad("collect.lease_ttl", "must be at least 1s")
	}
	if c.BackoffInitial <= 0 || c.BackoffMax < c.BackoffInitial {
		bad("collect.backoff_initial", "must be positive and not above collect.backoff_max")
	}
	seen := map[string]bool{}
	for i, s := range srcs {
		f := fmt.Sprintf("sources[%d]", i)
		switch {
		case s.Name == "":
			bad(f+".name", "must be set")
		case !sourceName.MatchString(s.Name):
			bad(f+".name", "%q must be lower-case letters, digits and _ . : - (at most 64)", s.Name)
		case seen[s.Name]:
			bad(f+".name", "%q is used by another source", s.Name)
		}
		seen[s.Name] = true
		s.validate(f, bad)
	}
}

func (s Source) validate(f string, bad func(field, format string, args ...any)) {
	// used lists the type-specific keys each type reads.
	used := map[string][]string{
		SourceRSS:      {"url", "full_text"},
		SourceWeb:      {"url", "selectors", "pages"},
		SourceFile:     {"path", "format", "mapping"},
		SourceHTTPPush: {"mapping", "token", "token_env"},
		SourceKafka:    {"mapping", "brokers", "topic", "group"},
	}
	keys, ok := used[s.Type]
	if !ok {
		bad(f+".type", "%q is not a source type (rss, web, http_push, file, kafka)", s.Type)
		return
	}
	set := map[string]bool{
		"url": s.URL != "", "full_text": s.FullText, "selectors": s.Selectors != nil, "pages": s.Pages != 0,
		"path": s.Path != "", "format": s.Format != "", "mapping": s.Mapping != nil,
		"token": s.Token != "", "token_env": s.TokenEnv != "",
		"brokers": s.Brokers != nil, "topic": s.Topic != "", "group": s.Group != "",
	}
	for _, k := range keys {
		delete(set, k)
	}
	for k, isSet := range set {
		if isSet {
			bad(f+"."+k, "is not used by a source of type %s", s.Type)
		}
	}
	if s.Polled() {
		switch {
		case s.Interval != 0 && s.Schedule != "":
			bad(f+".schedule", "set interval or schedule, not both")
		case s.Schedule != "":
			if _, err := cron.ParseStandard(s.Schedule); err != nil {
				bad(f+".schedule", "%q: %v", s.Schedule, err)
			}
		case s.Interval < time.Second:
			bad(f+".interval", "must be at least 1s (or set schedule)")
		}
	} else {
		if s.Interval != 0 {
			bad(f+".interval", "is not used by a source of type %s (it is %s)", s.Type, map[bool]string{true: "streamed", false: "pushed"}[s.Type == SourceKafka])
		}
		if s.Schedule != "" {
			bad(f+".schedule", "is not used by a source of type %s", s.Type)
		}
	}
	switch s.Kind {
	case "", "post", "comment", "article", "sms":
	default:
		bad(f+".kind", "%q is not post, comment, article or sms", s.Kind)
	}
	for _, d := range s.Dedup {
		if d != DedupURL && d != DedupContent {
			bad(f+".dedup", "%q is not url or content", d)
		}
	}
	if s.QuietAfter < 0 {
		bad(f+".quiet_after", "must not be negative")
	}
	for from, to := range s.Mapping {
		if from == "" || to == "" {
			bad(f+".mapping", "%q: %q: both names must be set", from, to)
		}
	}
	switch s.Type {
	case SourceRSS, SourceWeb:
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(f+".url", "%q is not an http(s) URL", s.URL)
		}
		if s.Type == SourceWeb {
			switch {
			case s.Selectors == nil:
				bad(f+".selectors", "must be set for a web source (item, link, body at least)")
			case s.Selectors.Item == "" || s.Selectors.Link == "" || s.Selectors.Body == "":
				bad(f+".selectors", "item, link and body must be set")
			}
			if s.Pages < 0 {
				bad(f+".pages", "must not be negative")
			}
		}
	case SourceFile:
		if s.Path == "" {
			bad(f+".path", "must be set")
		}
		switch strings.TrimSuffix(s.Format, ".gz") {
		case "", "jsonl", "json", "csv":
		default:
			bad(f+".format", "%q is not jsonl, json or csv", s.Format)
		}
	case SourceHTTPPush:
		if s.Token == "" && s.TokenEnv == "" {
			bad(f+".token", "a push source needs token or token_env")
		}
		if s.Token != "" && s.TokenEnv != "" {
			bad(f+".token", "set token or token_env, not both")
		}
	case SourceKafka:
		if len(s.Brokers) == 0 {
			bad(f+".brokers", "at least one broker is needed")
		}
		if s.Topic == "" {
			bad(f+".topic", "must be set")
		}
	}
}
