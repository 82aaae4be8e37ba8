package console

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPages(t *testing.T) {
	h := Handler(Options{})
	for _, tc := range []struct {
		path, script, want string
		status             int
	}{
		{"/", "dashboard.js", "过去 24 小时", 200},
		{"/search?q=%E7%81%AB%E7%81%BE", "search.js", `value="火灾"`, 200},
		{"/doc/abc", "doc.js", `data-id="abc"`, 200},
		{"/alerts", "alerts.js", "实时告警", 200},
		{"/rules", "rules.js", "告警规则", 200},
		{"/sources", "sources.js", "采集源状态", 200},
		{"/reports", "reports.js", "趋势报告", 200},
		{"/login", "login.js", "login-form", 200},
		{"/no/such/page", "util.js", "页面不存在", 404},
		{"/static/nope.js", "util.js", "页面不存在", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, h, tc.path)
			b := body(t, r)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q", ct)
			}
			if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q", csp)
			}
			if !regexp.MustCompile(`<script src="/static/` + regexp.QuoteMeta(tc.script) + `\?v=[0-9a-f]{12}"`).MatchString(b) {
				t.Errorf("no versioned %s in\n%s", tc.script, b)
			}
			if !strings.Contains(b, tc.want) {
				t.Errorf("page lacks %q:\n%s", tc.want, b)
			}
			if regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(strings.ReplaceAll(b, `<script type="application/json" id="yq-strings">`, "")) {
				t.Errorf("inline script in %s", tc.path)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	h := Handler(Options{})
	r := get(t, h, "/alerts?lang=en")
	if b := body(t, r); !strings.Contains(b, "Live alerts") || !strings.Contains(b, `lang="en"`) {
		t.Errorf("?lang=en page:\n%s", b)
	}
	var ck *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "yuqing_lang" {
			ck = c
		}
	}
	if ck == nil || ck.Value != "en" {
		t.Fatalf("no yuqing_lang cookie: %v", r.Cookies())
	}
	if b := body(t, get(t, h, "/alerts", "Cookie", "yuqing_lang=en")); !strings.Contains(b, "Live alerts") {
		t.Error("the cookie does not keep English")
	}
	if b := body(t, get(t, h, "/alerts?lang=xx")); !strings.Contains(b, "实时告警") {
		t.Error("an unknown language is not Chinese")
	}
}

func TestStaticCaching(t *testing.T) {
	c, err := newConsole(Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := Handler(Options{})
	url, _ := c.assetURL("app.css")
	r := get(t, h, url)
	if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %v", url, r.StatusCode, r.Header)
	}
	r = get(t, h, "/static/app.css?v=old")
	if r.Header.Get("Cache-Control") != "no-cache" || r.Header.Get("ETag") == "" {
		t.Errorf("stale version: %v", r.Header)
	}
	if r := get(t, h, "/static/app.css", "If-None-Match", r.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.StatusCode)
	}
	if r := get(t, h, "/static/util.js"); !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("util.js type %q", r.Header.Get("Content-Type"))
	}
}

// TestNoExternalURLs keeps the console offline: nothing embedded may
// point outside the server. The SVG namespace is an identifier, never
// fetched.
func TestNoExternalURLs(t *testing.T) {
	allowed := []string{"http://www.w3.org/2000/svg"}
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*|https?://[^\s"'<>)]*`)
	n := 0
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, _ := files.ReadFile(p)
		for _, m := range url.FindAllString(string(b), -1) {
			if !slices.Contains(allowed, m) && strings.Contains(m, "://") {
				t.Errorf("%s: external URL %s", p, m)
			}
		}
		if strings.Contains(string(b), "@import") || strings.Contains(string(b), "url(") && !strings.Contains(string(b), "url(data:") && strings.HasSuffix(p, ".css") {
			t.Errorf("%s: imports or url() in CSS", p)
		}
		return nil
	})
	if n < 10 {
		t.Fatalf("walked %d embedded files", n)
	}
}

// TestStrings checks that both languages have the same keys and that every
// key the templates and scripts name literally exists.
func TestStrings(t *testing.T) {
	strs, err := loadStrings()
	if err != nil {
		t.Fatal(err)
	}
	for k := range strs["zh"] {
		if _, ok := strs["en"][k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range strs["en"] {
		if _, ok := strs["zh"][k]; !ok {
			t.Errorf("zh lacks %q", k)
		}
	}
	uses := regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}|\bt\('([a-z0-9_.]+)'[,)]`)
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := files.ReadFile(p)
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if _, ok := strs["zh"][k]; !ok {
				t.Errorf("%s uses %q, which is in no string table", p, k)
			}
		}
		return nil
	})
	for _, name := range pages {
		if _, ok := strs["zh"]["page."+name]; !ok {
			t.Errorf("no title page.%s", name)
		}
	}
}

func TestTemplatesParse(t *testing.T) {
	c, err := newConsole(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pages {
		if c.tmpl[name] == nil {
			t.Errorf("no template %s", name)
		}
		if _, err := c.assetURL(name + ".js"); err != nil && name != "404" {
			t.Errorf("page %s: %v", name, err)
		}
	}
}
