package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/state"
)

// minContentRunes is the shortest text deduplicated by content: short
// texts ("转发微博", "支持") repeat without being the same item.
const minContentRunes = 30

// deliverer checks, deduplicates and produces what sources read. It is
// shared by polled, streamed and pushed sources.
type deliverer struct {
	dedup    state.Store // many small writes: the soft state in embedded mode
	producer bus.Producer
	rawTopic string
	window   time.Duration
	limits   ingest.Limits
	now      func() time.Time
	metrics  *metrics
}

// outcome is what happened to the posts of one batch.
type outcome struct {
	produced []ingest.Post
	dups     []ingest.Post
	rejects  []ingest.Reject
	// claim records the dedup keys of produced, so later copies are
	// dropped. It is called once they are durable and the source's cursor
	// is stored: a crash before it re-reads nothing (the cursor moved on)
	// and a crash before the cursor re-reads the batch, which then goes
	// through again (same ids, stored once by the index) rather than being
	// dropped as seen and lost. nil when nothing was produced.
	claim func(ctx context.Context) error
}

// deliver validates posts (what a source built itself may break the
// rules), drops the ones already delivered within the window, and
// produces the rest to the raw topic. It returns only once they are
// durable; on error nothing may be assumed produced. The caller then
// calls out.claim.
func (d *deliverer) deliver(ctx context.Context, src configs.Source, posts []ingest.Post) (outcome, error) {
	var out outcome
	origin := ingest.Origin{Region: src.Region, Labels: src.Labels}
	now := d.now().UTC()
	batchKeys := map[string]bool{}
	keep := make([]ingest.Post, 0, len(posts))
	var keys [][]string // the dedup keys of keep[i], claimed once it is produced
	for i, p := range posts {
		if p.Source == "" {
			p.Source = src.Name
		}
		if p.IngestedAt.IsZero() {
			p.IngestedAt = now
		}
		if p.PublishedAt.IsZero() {
			p.PublishedAt = p.IngestedAt
		}
		if p.ID == "" {
			p.ID = ingest.PostID(p)
		}
		origin.Apply(&p)
		if rej := ingest.Check(&p, d.limits); rej != nil {
			rej.Index, rej.ID = i, p.ID
			out.rejects = append(out.rejects, *rej)
			continue
		}
		pk := dedupKeys(src, p)
		by, err := d.seen(ctx, pk, batchKeys)
		if err != nil {
			return outcome{}, err
		}
		if by != "" {
			d.metrics.duplicates.WithLabelValues(src.Name, by).Inc()
			out.dups = append(out.dups, p)
			continue
		}
		for _, k := range pk {
			batchKeys[k.key] = true
		}
		keep = append(keep, p)
		keys = append(keys, keyStrings(pk))
	}
	if len(keep) == 0 {
		return out, nil
	}
	msgs := make([]bus.Message, len(keep))
	for i, p := range keep {
		v, err := json.Marshal(p)
		if err != nil {
			return outcome{}, fmt.Errorf("encoding post %s: %w", p.ID, err)
		}
		msgs[i] = bus.Message{Topic: d.rawTopic, Key: []byte(p.ID), Value: v, Time: p.IngestedAt}
	}
	if err := d.producer.Produce(ctx, msgs...); err != nil {
		return outcome{}, fmt.Errorf("producing %d posts to %s: %w", len(msgs), d.rawTopic, err)
	}
	d.metrics.items.WithLabelValues(src.Name).Add(float64(len(keep)))
	out.produced = keep
	out.claim = func(ctx context.Context) error {
		for i, p := range keep {
			for _, k := range keys[i] {
				if _, err := d.dedup.SetNX(ctx, k, []byte(p.ID), d.window); err != nil {
					return fmt.Errorf("recording dedup key of %s: %w", p.ID, err)
				}
			}
		}
		return nil
	}
	return out, nil
}

// dedupKey is one key a post is deduplicated by.
type dedupKey struct{ by, key string }

// dedupKeys returns p's keys: its id, and its url and content as the
// source's dedup setting says.
func dedupKeys(src configs.Source, p ingest.Post) []dedupKey {
	out := []dedupKey{{"id", "collect:dedup:id:" + p.ID}}
	for _, by := range src.DedupKeys() {
		var s string
		switch by {
		case configs.DedupURL:
			s = canonicalURL(p.URL)
		case configs.DedupContent:
			s = contentFingerprint(p.Text)
		}
		if s == "" {
			continue
		}
		h := sha256.Sum256([]byte(s))
		out = append(out, dedupKey{by, "collect:dedup:" + by + ":" + hex.EncodeToString(h[:16])})
	}
	return out
}

func keyStrings(ks []dedupKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.key
	}
	return out
}

// seen returns what identifies the post as already delivered (id, url,
// content) — earlier in this batch or within the window — or "".
func (d *deliverer) seen(ctx context.Context, keys []dedupKey, batch map[string]bool) (string, error) {
	for _, k := range keys {
		if batch[k.key] {
			return k.by, nil
		}
		_, err := d.dedup.Get(ctx, k.key)
		switch {
		case err == nil:
			return k.by, nil
		case !errors.Is(err, state.ErrNotFound):
			return "", fmt.Errorf("dedup lookup: %w", err)
		}
	}
	return "", nil
}

// canonicalURL makes the spellings of one URL equal: lower-case scheme and
// host, no default port, no fragment, no tracking parameters, http and
// https alike.
func canonicalURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return raw
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "utm_") || k == "spm" || k == "from" || k == "share_token" {
			q.Del(k)
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	s := host + path
	if enc := q.Encode(); enc != "" {
		s += "?" + enc
	}
	return s
}

// contentFingerprint is the text without spaces and punctuation, when it
// is long enough to identify an item.
func contentFingerprint(text string) string {
	var b strings.Builder
	for _, r := range text {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	if utf8.RuneCountInString(b.String()) < minContentRunes {
		return ""
	}
	return b.String()
}
