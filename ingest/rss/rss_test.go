package rss

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
	"github.com/yuqing-dev/yuqing/ingest/fetch"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// site serves pages by path (set while the test runs) and counts hits.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]page
	hits  map[string]int
}

type page struct {
	contentType string
	body        []byte
	status      int
	etag        string
}

func newSite(t *testing.T) *site {
	s := &site{pages: map[string]page{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		p, ok := s.pages[r.URL.RequestURI()]
		s.mu.Unlock()
		if p.etag != "" && r.Header.Get("If-None-Match") == p.etag {
			s.hit(r.URL.Path + " 304")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.hit(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p.etag != "" {
			w.Header().Set("ETag", p.etag)
		}
		w.Header().Set("Content-Type", p.contentType)
		w.WriteHeader(max(p.status, 200))
		w.Write(p.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) hit(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[key]++
}

func (s *site) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[key]
}

func (s *site) set(path, contentType, body string) {
	s.setPage(path, page{contentType: contentType, body: []byte(body)})
}

func (s *site) setPage(path string, p page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = p
}

func testClient() *fetch.Client {
	return fetch.New(fetch.Options{
		UserAgent: "yuqing/test", Robots: true, Timeout: 2 * time.Second, MaxBodyBytes: 1 << 20,
		MaxRedirects: 3, PerHostRate: 1000, PerHostConcurrency: 4, Logger: slog.New(slog.DiscardHandler),
	})
}

func newSource(t *testing.T, s *site, path string, fullText bool) *Source {
	t.Helper()
	src, err := New(configs.Source{Name: "news", Type: configs.SourceRSS, URL: s.URL + path, FullText: fullText},
		testClient(), ingest.DefaultLimits(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func read(t *testing.T, src *Source, cur []byte) collect.Batch {
	t.Helper()
	b, err := src.Read(t.Context(), cur)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func meta(t *testing.T, p ingest.Post) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(p.Meta, &m); err != nil {
		t.Fatalf("meta %s: %v", p.Meta, err)
	}
	return m
}

const rss2 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>市政新闻</title><link>http://example.org/</link>
<item><title>地铁新线开通</title><link>/news/1.html</link><guid isPermaLink="false">news-1</guid>
<description><![CDATA[<p>今日，地铁<b>五号线</b>正式开通。</p><script>track()</script><p>市民反响热烈。</p>]]></description>
<pubDate>Sun, 01 Mar 2026 09:30:00 +0800</pubDate><dc:creator>张记者</dc:creator></item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>区政务</title><id>urn:x</id><updated>2026-03-01T10:00:00+08:00</updated>
<entry><title>道路施工通告</title><id>tag:example.org,2026:2</id><link rel="alternate" href="/notice/2"/>
<updated>2026-03-01T10:00:00+08:00</updated><author><name>区交通局</name></author>
<content type="html">&lt;p&gt;中山路&lt;em&gt;三月&lt;/em&gt;封闭施工。&lt;/p&gt;&lt;style&gt;p{}&lt;/style&gt;&lt;p&gt;请绕行。&lt;/p&gt;</content></entry>
</feed>`

const rdfFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://example.org/"><title>论坛精选</title><link>http://example.org/</link><description>d</description></channel>
<item rdf:about="http://example.org/t/3"><title>小区停水</title><link>http://example.org/t/3</link>
<description>&lt;p&gt;明日&lt;br&gt;停水一天。&lt;/p&gt;</description><dc:date>2026-03-01T08:00:00+08:00</dc:date><dc:creator>网友甲</dc:creator></item>
</rdf:RDF>`

func TestFormats(t *testing.T) {
	cst := time.FixedZone("", 8*3600)
	s := newSite(t)
	s.set("/rss", "application/rss+xml", rss2)
	s.set("/atom", "application/atom+xml", atomFeed)
	s.set("/rdf", "application/rdf+xml", rdfFeed)
	tests := []struct {
		path string
		want ingest.Post
		feed string
	}{
		{"/rss", ingest.Post{Title: "地铁新线开通", Text: "今日，地铁五号线正式开通。\n市民反响热烈。", URL: s.URL + "/news/1.html",
			Author: "张记者", PublishedAt: time.Date(2026, 3, 1, 9, 30, 0, 0, cst)}, "市政新闻"},
		{"/atom", ingest.Post{Title: "道路施工通告", Text: "中山路三月封闭施工。\n请绕行。", URL: s.URL + "/notice/2",
			Author: "区交通局", PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, cst)}, "区政务"},
		{"/rdf", ingest.Post{Title: "小区停水", Text: "明日\n停水一天。", URL: "http://example.org/t/3",
			Author: "网友甲", PublishedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, cst)}, "论坛精选"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b := read(t, newSource(t, s, tt.path, false), nil)
			if len(b.Posts) != 1 || len(b.Rejects) != 0 || b.More {
				t.Fatalf("batch = %+v, want one post", b)
			}
			p := b.Posts[0]
			if p.Title != tt.want.Title || p.Text != tt.want.Text || p.URL != tt.want.URL || p.Author != tt.want.Author {
				t.Errorf("post = %+v\nwant  %+v", p, tt.want)
			}
			if !p.PublishedAt.Equal(tt.want.PublishedAt) {
				t.Errorf("published_at = %s, want %s", p.PublishedAt, tt.want.PublishedAt)
			}
			if p.Source != "news" || p.Kind != ingest.KindArticle || p.ID != ingest.PostID(p) {
				t.Errorf("source/kind/id = %q %q %q", p.Source, p.Kind, p.ID)
			}
			if m := meta(t, p); m["feed"] != tt.feed {
				t.Errorf("meta = %v, want feed %q", m, tt.feed)
			}
		})
	}
}

// feedOf returns an RSS feed of items n..1 (newest first), linking to
// /a/i on base.
func feedOf(base string, n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>`)
	for i := n; i >= 1; i-- {
		fmt.Fprintf(&b, `<item><title>第%d条</title><link>%s/a/%d</link><description>内容%d</description><pubDate>%s</pubDate></item>`,
			i, base, i, i, testNow.Add(time.Duration(i-100)*time.Minute).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func titles(b collect.Batch) []string {
	var out []string
	for _, p := range b.Posts {
		out = append(out, p.Title)
	}
	return out
}

func TestOnlyNewItems(t *testing.T) {
	s := newSite(t)
	s.set("/feed", "application/rss+xml", feedOf(s.URL, 3))
	src := newSource(t, s, "/feed", false)
	b := read(t, src, nil)
	if got := strings.Join(titles(b), ","); got != "第1条,第2条,第3条" {
		t.Fatalf("first read = %s, want the 3 items oldest first", got)
	}
	b = read(t, src, b.Cursor)
	if len(b.Posts) != 0 || b.More {
		t.Fatalf("second read emitted %v", titles(b))
	}
	s.set("/feed", "application/rss+xml", feedOf(s.URL, 4))
	b = read(t, src, b.Cursor)
	if got := strings.Join(titles(b), ","); got != "第4条" {
		t.Fatalf("after one new item: %s, want 第4条", got)
	}
}

func TestNotModified(t *testing.T) {
	s := newSite(t)
	s.setPage("/feed", page{contentType: "application/rss+xml", body: []byte(feedOf("http://example.org", 2)), etag: `"e1"`})
	src := newSource(t, s, "/feed", false)
	first := read(t, src, nil)
	if len(first.Posts) != 2 {
		t.Fatalf("first read: %d posts", len(first.Posts))
	}
	second := read(t, src, first.Cursor)
	if len(second.Posts) != 0 || second.More || string(second.Cursor) != string(first.Cursor) {
		t.Errorf("304 read = %+v, want empty with the same cursor", second)
	}
	if s.count("/feed") != 1 || s.count("/feed 304") != 1 {
		t.Errorf("server answered 200 %d times and 304 %d times, want 1 and 1", s.count("/feed"), s.count("/feed 304"))
	}
}

func TestGBKFeed(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	feed := strings.Replace(rss2, `encoding="UTF-8"`, `encoding="GBK"`, 1)
	s := newSite(t)
	s.set("/decl", "text/xml", gbk(feed))
	s.set("/header", "application/rss+xml; charset=gb2312", gbk(strings.Replace(rss2, ` encoding="UTF-8"`, "", 1)))
	for _, path := range []string{"/decl", "/header"} {
		b := read(t, newSource(t, s, path, false), nil)
		if len(b.Posts) != 1 || b.Posts[0].Title != "地铁新线开通" || !strings.Contains(b.Posts[0].Text, "五号线") {
			t.Errorf("%s: posts = %+v, want the Chinese item", path, b.Posts)
		}
	}
}

const articlePage = `<!DOCTYPE html><html><head><meta charset="gbk"><title>地铁新线开通 - 市政新闻网</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/gov">政务</a> | <a href="/live">民生</a> | <a href="/login">登录注册</a></div>
<div class="main"><article><h1>地铁新线开通</h1>
<p>今日上午九时，地铁五号线正式开通运营，全线共设车站二十二座，连接城东新区与老城中心，沿线居民出行时间将大幅缩短。</p>
<p>据市轨道交通集团介绍，五号线采用全自动运行系统，高峰时段发车间隔为两分三十秒，日均客流预计可达三十万人次。</p>
<p>开通首日，不少市民专程前来体验。家住城东的王女士表示，以前进城要换乘两次公交，现在坐地铁二十分钟就能到。</p>
<p>市交通部门提醒，开通初期部分站点出入口仍在施工，请乘客留意现场指引，合理安排出行时间。</p>
</article></div>
<div class="footer">版权所有 市政新闻网 备案号：京ICP备00000000号 联系我们 广告服务</div>
<script>var tracker = "统计代码";</script></body></html>`

func TestFullText(t *testing.T) {
	s := newSite(t)
	gbkPage, _ := simplifiedchinese.GBK.NewEncoder().String(articlePage)
	s.set("/news/1.html", "text/html", gbkPage)
	s.set("/feed", "application/rss+xml", rss2)
	s.set("/robots.txt", "text/plain", "User-agent: *\nDisallow: /private/\n")
	b := read(t, newSource(t, s, "/feed", true), nil)
	if len(b.Posts) != 1 {
		t.Fatalf("batch = %+v", b)
	}
	text := b.Posts[0].Text
	for _, want := range []string{"全自动运行系统", "王女士", "合理安排出行时间"} {
		if !strings.Contains(text, want) {
			t.Errorf("full text lacks %q:\n%s", want, text)
		}
	}
	for _, noise := range []string{"登录注册", "备案号", "统计代码"} {
		if strings.Contains(text, noise) {
			t.Errorf("full text has page noise %q:\n%s", noise, text)
		}
	}
	if strings.Count(text, "\n") < 3 {
		t.Errorf("paragraphs lost:\n%s", text)
	}
	if m := meta(t, b.Posts[0]); m["full_text_error"] != "" {
		t.Errorf("full_text_error = %q", m["full_text_error"])
	}
}

func TestFullTextUnavailableKeepsSummary(t *testing.T) {
	s := newSite(t)
	s.set("/robots.txt", "text/plain", "User-agent: yuqing\nDisallow: /news/\n")
	s.set("/news/1.html", "text/html", articlePage)
	s.set("/feed", "application/rss+xml", rss2)
	b := read(t, newSource(t, s, "/feed", true), nil)
	if len(b.Posts) != 1 || b.Posts[0].Text != "今日，地铁五号线正式开通。\n市民反响热烈。" {
		t.Fatalf("posts = %+v, want the feed's summary", b.Posts)
	}
	if m := meta(t, b.Posts[0]); !strings.Contains(m["full_text_error"], "robots") {
		t.Errorf("full_text_error = %q, want a robots.txt error", m["full_text_error"])
	}
	if s.count("/news/1.html") != 0 {
		t.Error("disallowed article was fetched")
	}
}

func TestCrashResume(t *testing.T) {
	s := newSite(t)
	s.set("/feed", "application/rss+xml", feedOf(s.URL, 45))
	first := read(t, newSource(t, s, "/feed", false), nil)
	if len(first.Posts) != batchSize || !first.More {
		t.Fatalf("first batch: %d posts, more %v", len(first.Posts), first.More)
	}
	got := map[string]int{}
	for _, p := range first.Posts {
		got[p.URL]++
	}
	// A new process (the old one crashed) reads from the stored cursor.
	src := newSource(t, s, "/feed", false)
	cur := first.Cursor
	for i := 0; ; i++ {
		b := read(t, src, cur)
		for _, p := range b.Posts {
			got[p.URL]++
		}
		cur = b.Cursor
		if !b.More {
			break
		}
		if i > 5 {
			t.Fatal("More never ended")
		}
	}
	for i := 1; i <= 45; i++ {
		if n := got[fmt.Sprintf("%s/a/%d", s.URL, i)]; n != 1 {
			t.Errorf("item %d emitted %d times, want 1", i, n)
		}
	}
	if len(got) != 45 {
		t.Errorf("%d distinct items, want 45", len(got))
	}
	// The first source fetched once; the second fetched once and then
	// continued from what it had.
	if n := s.count("/feed"); n != 2 {
		t.Errorf("feed fetched %d times, want 2", n)
	}
	if b := read(t, src, cur); len(b.Posts) != 0 {
		t.Errorf("read after the end emitted %d posts", len(b.Posts))
	}
}

func TestRejects(t *testing.T) {
	s := newSite(t)
	s.set("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>t</title>
<item><title>只有标题</title><link>/empty</link></item><item><title>ok</title><link>/ok</link><description>正文</description></item></channel></rss>`)
	src := newSource(t, s, "/feed", false)
	b := read(t, src, nil)
	if len(b.Posts) != 1 || len(b.Rejects) != 1 {
		t.Fatalf("batch = %+v, want one post and one reject", b)
	}
	if r := b.Rejects[0]; r.Code != ingest.CodeMissingText || !strings.Contains(r.Message, s.URL+"/empty") {
		t.Errorf("reject = %+v, want missing_text naming the link", r)
	}
	if b = read(t, src, b.Cursor); len(b.Rejects)+len(b.Posts) != 0 {
		t.Errorf("rejected item came back: %+v", b)
	}
}

func TestFeedErrors(t *testing.T) {
	s := newSite(t)
	s.setPage("/500", page{status: 500, body: []byte("oops")})
	s.set("/html", "text/html", "<html><body>not a feed</body></html>")
	for _, path := range []string{"/500", "/html", "/missing"} {
		_, err := newSource(t, s, path, false).Read(t.Context(), nil)
		if err == nil || !strings.Contains(err.Error(), "news") || !strings.Contains(err.Error(), s.URL+path) {
			t.Errorf("%s: err = %v, want an error naming the source and URL", path, err)
		}
	}
}

func TestBadCursorAndConfig(t *testing.T) {
	s := newSite(t)
	if _, err := newSource(t, s, "/feed", false).Read(t.Context(), []byte(`{"v":99}`)); err == nil {
		t.Error("a cursor of another version was accepted")
	}
	if _, err := New(configs.Source{Name: "x", URL: "ftp://x/"}, testClient(), ingest.Limits{}, nil); err == nil || !strings.Contains(err.Error(), "url") {
		t.Errorf("New with an ftp URL: err = %v", err)
	}
}

func TestCursorBounded(t *testing.T) {
	var c cursor
	var keys []string
	for i := range maxKeys + 500 {
		keys = append(keys, fmt.Sprint(i))
	}
	current := map[string]bool{"0": true, "1": true}
	c.add(keys, current)
	if len(c.Seen) != maxKeys {
		t.Fatalf("%d keys kept, want %d", len(c.Seen), maxKeys)
	}
	if c.Seen[0] != "0" || c.Seen[1] != "1" || c.Seen[len(c.Seen)-1] != fmt.Sprint(maxKeys+499) {
		t.Errorf("kept %v ... %v, want the keys still in the feed and the newest", c.Seen[:3], c.Seen[len(c.Seen)-1])
	}
}
