package web

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

var (
	testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	cst     = time.FixedZone("CST", 8*3600)
)

// site serves GBK pages by path and counts hits.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	pages  map[string]string
	status map[string]int
	hits   map[string]int
}

func newSite(t *testing.T) *site {
	s := &site{pages: map[string]string{}, status: map[string]int{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		body, ok := s.pages[r.URL.Path]
		code := s.status[r.URL.Path]
		s.mu.Unlock()
		if code != 0 {
			w.WriteHeader(code)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/robots.txt" {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, body)
			return
		}
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(body)
		if err != nil {
			panic(err)
		}
		w.Header().Set("Content-Type", "text/html") // the charset is in the page
		fmt.Fprint(w, gbk)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = body
}

func (s *site) fail(path string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[path] = code
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// listPage is a GBK list page linking to /art/id for each id.
func listPage(next string, ids ...int) string {
	var b strings.Builder
	b.WriteString(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>新闻列表</title></head><body>
<div class="nav"><a href="/">首页</a></div><ul class="news">`)
	for _, id := range ids {
		fmt.Fprintf(&b, `<li><a href="/art/%d">标题%d</a> <span>03-01</span></li>`, id, id)
	}
	b.WriteString(`</ul>`)
	if next != "" {
		fmt.Fprintf(&b, `<div class="pager"><a class="next" href="%s">下一页</a></div>`, next)
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// articlePage is a GBK article whose time is 2026-03-01 0id:30 local.
func articlePage(id int) string {
	return fmt.Sprintf(`<html><head><meta charset="gbk"><title>文章%d - 市政府网站</title></head><body>
<div class="nav">首页 | 政务公开 | 登录</div>
<h1 class="title">关于第%d号事项的通告</h1>
<div class="info"><span class="time">发布时间：2026-03-01 0%d:30</span> <span class="author">作者：王%d</span></div>
<div class="content"><p>第一段：事项%d说明。</p><p>第二段：请市民知悉。</p><script>var x = "脚本";</script></div>
<div class="footer">版权所有</div></body></html>`, id, id, id%10, id, id)
}

func testSelectors() *configs.WebSelectors {
	return &configs.WebSelectors{Item: "ul.news li", Link: "a", Next: "a.next", Title: "h1.title",
		Body: "div.content", Time: "span.time", Author: "span.author"}
}

func testClient() *fetch.Client {
	return fetch.New(fetch.Options{
		UserAgent: "yuqing/test", Robots: true, Timeout: 2 * time.Second, MaxBodyBytes: 1 << 20,
		MaxRedirects: 3, PerHostRate: 1000, PerHostConcurrency: 4, Logger: slog.New(slog.DiscardHandler),
	})
}

func newSource(t *testing.T, s *site, pages int, sel *configs.WebSelectors) *Source {
	t.Helper()
	src, err := New(configs.Source{Name: "gov", Type: configs.SourceWeb, URL: s.URL + "/list", Pages: pages, Selectors: sel},
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

func urls(s *site, b collect.Batch) string {
	var out []string
	for _, p := range b.Posts {
		out = append(out, strings.TrimPrefix(p.URL, s.URL))
	}
	return strings.Join(out, ",")
}

// twoPageSite has /list with articles 1-3 and /list2 with 4-5.
func twoPageSite(t *testing.T) *site {
	s := newSite(t)
	s.set("/list", listPage("/list2", 1, 2, 3))
	s.set("/list2", listPage("", 4, 5))
	for id := 1; id <= 5; id++ {
		s.set(fmt.Sprintf("/art/%d", id), articlePage(id))
	}
	return s
}

func TestListPages(t *testing.T) {
	tests := []struct {
		pages int
		want  string
	}{
		{2, "/art/1,/art/2,/art/3,/art/4,/art/5"},
		{1, "/art/1,/art/2,/art/3"},
		{0, "/art/1,/art/2,/art/3"}, // default 1
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("pages ", tt.pages), func(t *testing.T) {
			s := twoPageSite(t)
			b := read(t, newSource(t, s, tt.pages, testSelectors()), nil)
			if got := urls(s, b); got != tt.want || b.More || len(b.Rejects) != 0 {
				t.Fatalf("posts %s (more %v, rejects %v), want %s", got, b.More, b.Rejects, tt.want)
			}
			for i, p := range b.Posts {
				id := i + 1
				if want := fmt.Sprintf("关于第%d号事项的通告", id); p.Title != want {
					t.Errorf("title = %q, want %q", p.Title, want)
				}
				if want := fmt.Sprintf("第一段：事项%d说明。\n第二段：请市民知悉。", id); p.Text != want {
					t.Errorf("text = %q, want %q", p.Text, want)
				}
				if want := time.Date(2026, 3, 1, id, 30, 0, 0, cst); !p.PublishedAt.Equal(want) {
					t.Errorf("published_at = %s, want %s", p.PublishedAt, want)
				}
				if want := fmt.Sprintf("王%d", id); p.Author != want {
					t.Errorf("author = %q, want %q", p.Author, want)
				}
				if p.Source != "gov" || p.Kind != ingest.KindArticle || p.ID != ingest.PostID(p) {
					t.Errorf("source/kind/id = %q %q %q", p.Source, p.Kind, p.ID)
				}
				var m map[string]string
				if err := json.Unmarshal(p.Meta, &m); err != nil || !strings.HasPrefix(m["list"], s.URL+"/list") {
					t.Errorf("meta = %s, want the list page", p.Meta)
				}
			}
		})
	}
}

func TestOnlyNewArticles(t *testing.T) {
	s := twoPageSite(t)
	src := newSource(t, s, 2, testSelectors())
	b := read(t, src, nil)
	if len(b.Posts) != 5 {
		t.Fatalf("first read: %d posts", len(b.Posts))
	}
	b = read(t, src, b.Cursor)
	if len(b.Posts)+len(b.Rejects) != 0 || b.More {
		t.Fatalf("second read emitted %s", urls(s, b))
	}
	s.set("/list", listPage("/list2", 6, 1, 2))
	s.set("/list2", listPage("", 3, 4, 5))
	s.set("/art/6", articlePage(6))
	b = read(t, src, b.Cursor)
	if got := urls(s, b); got != "/art/6" {
		t.Fatalf("after a new article: %s, want /art/6", got)
	}
	if n := s.count("/art/1"); n != 1 {
		t.Errorf("/art/1 fetched %d times, want 1", n)
	}
}

func TestArticleFailures(t *testing.T) {
	s := twoPageSite(t)
	s.fail("/art/2", http.StatusNotFound)
	s.fail("/art/3", http.StatusInternalServerError)
	s.set("/robots.txt", "User-agent: *\nDisallow: /art/4\n")
	src := newSource(t, s, 2, testSelectors())
	b := read(t, src, nil)
	if got := urls(s, b); got != "/art/1,/art/5" {
		t.Errorf("posts %s, want /art/1,/art/5", got)
	}
	rejected := map[string]string{}
	for _, r := range b.Rejects {
		if r.Code != CodeFetchFailed {
			t.Errorf("reject code %q, want %q", r.Code, CodeFetchFailed)
		}
		for _, id := range []string{"/art/2", "/art/3", "/art/4"} {
			if strings.Contains(r.Message, s.URL+id) {
				rejected[id] = r.Message
			}
		}
	}
	if len(rejected) != 3 || len(b.Rejects) != 3 {
		t.Fatalf("rejects %v, want /art/2, /art/3 and /art/4", b.Rejects)
	}
	if !strings.Contains(rejected["/art/4"], "robots") || !strings.Contains(rejected["/art/2"], "404") {
		t.Errorf("reject messages do not say why: %v", rejected)
	}
	if s.count("/art/4") != 0 {
		t.Error("robots-disallowed article was fetched")
	}
	// The next poll retries the 500 (now fixed) but not the 404 or the
	// disallowed article.
	s.fail("/art/3", 0)
	s.set("/art/3", articlePage(3))
	b = read(t, src, b.Cursor)
	if got := urls(s, b); got != "/art/3" || len(b.Rejects) != 0 {
		t.Errorf("second read: posts %s, rejects %v; want only /art/3", got, b.Rejects)
	}
	if s.count("/art/2") != 1 || s.count("/art/3") != 2 || s.count("/art/4") != 0 {
		t.Errorf("fetches: /art/2 %d, /art/3 %d, /art/4 %d; want 1, 2, 0", s.count("/art/2"), s.count("/art/3"), s.count("/art/4"))
	}
}

func TestBatchesAndResume(t *testing.T) {
	s := newSite(t)
	var ids []int
	for id := 1; id <= 25; id++ {
		ids = append(ids, id)
		s.set(fmt.Sprintf("/art/%d", id), articlePage(id))
	}
	s.set("/list", listPage("", ids...))
	s.fail("/art/2", http.StatusServiceUnavailable) // temporary: skipped for the rest of this poll
	first := read(t, newSource(t, s, 1, testSelectors()), nil)
	if len(first.Posts) != 9 || len(first.Rejects) != 1 || !first.More {
		t.Fatalf("first batch: %d posts, %d rejects, more %v; want 9, 1, true", len(first.Posts), len(first.Rejects), first.More)
	}
	got := map[string]int{}
	for _, p := range first.Posts {
		got[p.URL]++
	}
	// A new process continues from the stored cursor.
	src := newSource(t, s, 1, testSelectors())
	cur := first.Cursor
	for range 5 {
		b := read(t, src, cur)
		if len(b.Posts) > batchSize {
			t.Errorf("batch of %d posts", len(b.Posts))
		}
		for _, p := range b.Posts {
			got[p.URL]++
		}
		cur = b.Cursor
		if !b.More {
			break
		}
	}
	for id := 1; id <= 25; id++ {
		want := 1
		if id == 2 {
			want = 0
		}
		if n := got[fmt.Sprintf("%s/art/%d", s.URL, id)]; n != want {
			t.Errorf("article %d emitted %d times, want %d", id, n, want)
		}
	}
	// The new process did not know of the failure, so it tried /art/2
	// once more; within its own poll it tries it once.
	if n := s.count("/art/2"); n != 2 {
		t.Errorf("/art/2 fetched %d times, want 2", n)
	}
}

func TestTimes(t *testing.T) {
	tests := []struct {
		name, timeHTML, layout string
		want                   time.Time
		unparsed               string
	}{
		{"datetime attribute", `<time class="t" datetime="2026-03-01T09:30:00+08:00">三月一日</time>`, "", time.Date(2026, 3, 1, 9, 30, 0, 0, cst), ""},
		{"chinese date", `<span class="t">2026年3月1日 09:30</span>`, "", time.Date(2026, 3, 1, 9, 30, 0, 0, cst), ""},
		{"layout", `<span class="t">01.03.2026 09h30</span>`, "02.01.2006 15h04", time.Date(2026, 3, 1, 9, 30, 0, 0, cst), ""},
		{"unparsed", `<span class="t">刚刚</span>`, "", testNow, "刚刚"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t)
			s.set("/list", listPage("", 1))
			s.set("/art/1", `<html><head><meta charset="gbk"><title>页面标题</title></head><body>`+tt.timeHTML+`<div class="content">正文</div></body></html>`)
			sel := &configs.WebSelectors{Item: "ul.news li", Link: "a", Body: ".content", Time: ".t", TimeFormat: tt.layout}
			b := read(t, newSource(t, s, 1, sel), nil)
			if len(b.Posts) != 1 {
				t.Fatalf("batch %+v", b)
			}
			p := b.Posts[0]
			if !p.PublishedAt.Equal(tt.want) {
				t.Errorf("published_at = %s, want %s", p.PublishedAt, tt.want)
			}
			if p.Title != "页面标题" {
				t.Errorf("title = %q, want the <title>", p.Title)
			}
			var m map[string]string
			_ = json.Unmarshal(p.Meta, &m)
			if m["time_unparsed"] != tt.unparsed {
				t.Errorf("time_unparsed = %q, want %q", m["time_unparsed"], tt.unparsed)
			}
		})
	}
}

func TestListPageError(t *testing.T) {
	s := newSite(t)
	s.fail("/list", http.StatusInternalServerError)
	_, err := newSource(t, s, 1, testSelectors()).Read(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), s.URL+"/list") || !strings.Contains(err.Error(), "gov") {
		t.Errorf("err = %v, want an error naming the source and list page", err)
	}
}

func TestBadSelector(t *testing.T) {
	for _, field := range []string{"item", "link", "next", "title", "body", "time", "author"} {
		sel := testSelectors()
		bad := "div[["
		switch field {
		case "item":
			sel.Item = bad
		case "link":
			sel.Link = bad
		case "next":
			sel.Next = bad
		case "title":
			sel.Title = bad
		case "body":
			sel.Body = bad
		case "time":
			sel.Time = bad
		case "author":
			sel.Author = bad
		}
		_, err := New(configs.Source{Name: "gov", URL: "http://example.org/", Selectors: sel}, testClient(), ingest.Limits{}, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "selectors."+field+":") {
			t.Errorf("bad %s selector: err = %v, want one naming selectors.%s", field, err, field)
		}
	}
	if _, err := New(configs.Source{Name: "gov", URL: "http://example.org/", Selectors: &configs.WebSelectors{Item: "li", Link: "a"}},
		testClient(), ingest.Limits{}, nil); err == nil || !strings.Contains(err.Error(), "selectors.body") {
		t.Errorf("missing body selector: err = %v", err)
	}
}
