package synth

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"github.com/yuqing-dev/yuqing/ingest"
)

// Corpus generates a large, realistic stream of posts for search
// benchmarks: words drawn with a Zipf distribution over gse's embedded
// vocabulary ranked by document frequency (its IDF table; ~60,000 words,
// so queries have realistic selectivity), the public-safety vocabulary of
// New mixed in, posts spread over a period with a daily rhythm, and a
// share of reposts (prefix "转发:", an appended comment, or a truncation)
// of earlier posts, so repost clusters exist. Generation is deterministic
// for a seed.
type Corpus struct {
	rng    *rand.Rand
	zipf   *rand.Zipf
	domain *Generator
	start  time.Time
	span   time.Duration
	recent []ingest.Post // ring of recent originals to repost
	n      int
	// RepostShare is the share of posts that repost a recent one.
	RepostShare float64
	// total, when set by InOrder, makes publication times advance with
	// the post count, as a live stream's do.
	total int
}

// InOrder makes the corpus a stream of n posts whose publication times
// advance through the period (with up to an hour of jitter), the way live
// collection delivers them, instead of uniformly random times.
func (c *Corpus) InOrder(n int) *Corpus {
	c.total = n
	return c
}

var (
	bigVocabOnce sync.Once
	bigVocab     []string
)

// BigVocabulary returns gse's Chinese words of 2–4 characters ranked from
// the most to the least common (lowest IDF first), at most 60,000.
func BigVocabulary() []string {
	bigVocabOnce.Do(func() {
		type wi struct {
			w   string
			idf float64
		}
		var ws []wi
		sc := bufio.NewScanner(strings.NewReader(gse.ZhIdf))
		for sc.Scan() {
			w, v, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				continue
			}
			n := utf8.RuneCountInString(w)
			if n < 2 || n > 4 {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			ws = append(ws, wi{w, f})
		}
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].idf < ws[j].idf })
		for _, x := range ws[:min(len(ws), 60000)] {
			bigVocab = append(bigVocab, x.w)
		}
	})
	return bigVocab
}

// NewCorpus returns a corpus of posts published in [start, start+span).
func NewCorpus(seed uint64, start time.Time, span time.Duration) *Corpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	v := BigVocabulary()
	return &Corpus{rng: rng, zipf: rand.NewZipf(rng, 1.05, 2, uint64(len(v)-1)),
		domain: New(seed+1, start, span), start: start, span: span, RepostShare: 0.2}
}

// text returns about runes characters: mostly common words, one in five
// from the public-safety vocabulary.
func (c *Corpus) text(runes int) string {
	v := BigVocabulary()
	var b strings.Builder
	for n, i := 0, 0; n < runes; i++ {
		var w string
		if c.rng.IntN(5) == 0 {
			w = vocabulary[c.domain.zipf.Uint64()]
		} else {
			w = v[c.zipf.Uint64()]
		}
		b.WriteString(w)
		n += utf8.RuneCountInString(w)
		switch {
		case i%12 == 11:
			b.WriteString("。")
			n++
		case i%5 == 4:
			b.WriteString("，")
			n++
		}
	}
	b.WriteString("。")
	return b.String()
}

// when returns a publication time with more posts in the day than at night.
func (c *Corpus) when() time.Time {
	if c.total > 0 {
		at := c.start.Add(time.Duration(float64(c.span) * float64(c.n) / float64(c.total)))
		at = at.Add(-time.Duration(c.rng.Int64N(int64(time.Hour))))
		if at.Before(c.start) {
			at = c.start
		}
		return at.UTC().Truncate(time.Second)
	}
	for {
		t := c.start.Add(time.Duration(c.rng.Int64N(int64(c.span))))
		h := t.In(shanghai).Hour()
		if h >= 8 && h < 23 || c.rng.IntN(4) == 0 {
			return t.UTC().Truncate(time.Second)
		}
	}
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Post returns the next post: a new one of 60–250 characters, or a repost.
func (c *Corpus) Post() ingest.Post {
	c.n++
	if len(c.recent) > 0 && c.rng.Float64() < c.RepostShare {
		orig := c.recent[c.rng.IntN(len(c.recent))]
		p := orig
		p.ID = fmt.Sprintf("c%d", c.n)
		p.Source = sources[c.rng.IntN(len(sources))]
		p.Author = fmt.Sprintf("user%d", c.rng.IntN(200000))
		p.PublishedAt = orig.PublishedAt.Add(time.Duration(c.rng.Int64N(int64(48 * time.Hour))))
		if c.total > 0 {
			p.PublishedAt = c.when() // a repost is published now, whenever its original was
		}
		switch c.rng.IntN(3) {
		case 0:
			p.Text = "转发:" + orig.Text
		case 1:
			p.Text = c.text(8) + "//@" + orig.Author + ":" + orig.Text
		default:
			r := []rune(orig.Text)
			p.Text = string(r[:len(r)*9/10])
		}
		return p
	}
	src := sources[c.rng.IntN(len(sources))]
	kind := ingest.KindPost
	if src == "sms" {
		kind = ingest.KindSMS
	}
	p := ingest.Post{
		ID:          fmt.Sprintf("c%d", c.n),
		Source:      src,
		Kind:        kind,
		Text:        c.text(60 + c.rng.IntN(190)),
		Author:      fmt.Sprintf("user%d", c.rng.IntN(200000)),
		PublishedAt: c.when(),
	}
	if kind != ingest.KindSMS && c.rng.IntN(3) == 0 {
		p.Title = c.text(10)
	}
	if len(c.recent) < 2000 {
		c.recent = append(c.recent, p)
	} else {
		c.recent[c.rng.IntN(len(c.recent))] = p
	}
	return p
}
