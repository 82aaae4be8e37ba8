package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"time"
)

//go:embed templates/*.html static/* strings/*.json
var files embed.FS

// Options configure the console.
type Options struct {
	// Title is the product name in the header and page titles; default
	// "yuqing 舆情监测".
	Title  string
	Logger *slog.Logger
}

// Pages are the console's pages: path pattern → template name.
var pages = map[string]string{
	"GET /{$}":       "dashboard",
	"GET /search":    "search",
	"GET /doc/{id}":  "doc",
	"GET /alerts":    "alerts",
	"GET /rules":     "rules",
	"GET /sources":   "sources",
	"GET /reports":   "reports",
	"GET /login":     "login",
	"GET /not-found": "404", // never routed: the template of unknown paths
}

// CSP is the Content-Security-Policy of every answer: nothing but the
// server itself, no inline scripts or styles.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Languages the interface is written in; the first is the default.
var Languages = []string{"zh", "en"}

type console struct {
	opts    Options
	log     *slog.Logger
	tmpl    map[string]*template.Template
	strs    map[string]map[string]string
	static  map[string]asset
	started time.Time
}

// asset is one static file and its content hash (the cache buster).
type asset struct {
	body []byte
	hash string
}

// Handler returns the console's http.Handler. It panics if the embedded
// templates or string tables are broken (a build mistake the unit tests
// catch).
func Handler(opts Options) http.Handler {
	c, err := newConsole(opts)
	if err != nil {
		panic(fmt.Sprintf("console: %v", err))
	}
	mux := http.NewServeMux()
	for pattern, name := range pages {
		if name != "404" {
			mux.HandleFunc(pattern, c.page(name))
		}
	}
	mux.HandleFunc("GET /static/{file}", c.serveStatic)
	mux.HandleFunc("/", c.notFound)
	return securityHeaders(mux)
}

func newConsole(opts Options) (*console, error) {
	if opts.Title == "" {
		opts.Title = "yuqing 舆情监测"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &console{opts: opts, log: opts.Logger, started: time.Now()}
	var err error
	if c.strs, err = loadStrings(); err != nil {
		return nil, err
	}
	if c.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if c.tmpl, err = c.parseTemplates(); err != nil {
		return nil, err
	}
	return c, nil
}

// loadStrings reads the interface text, one table per language.
func loadStrings() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile("strings/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("strings/%s.json: %w", lang, err)
		}
		out[lang] = m
	}
	return out, nil
}

func loadStatic() (map[string]asset, error) {
	out := map[string]asset{}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[path.Base(p)] = asset{body: b, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	return out, err
}

func (c *console) parseTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	funcs := template.FuncMap{
		// t and asset are replaced per request (language); these stubs
		// let the templates parse.
		"t":     func(string) string { return "" },
		"asset": c.assetURL,
	}
	for _, name := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("templates/%s.html: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// assetURL is the URL of a static file with its content hash, so a new
// build is never served from a stale cache.
func (c *console) assetURL(name string) (string, error) {
	a, ok := c.static[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + a.hash, nil
}

// pageData is what a page template sees.
type pageData struct {
	Title   string
	Page    string
	Lang    string
	Other   string // the other language, for the toggle
	Strings map[string]string
	Query   map[string]string // the URL's query parameters (first values)
	DocID   string
	Path    string
}

func (c *console) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.render(w, r, name, http.StatusOK)
	}
}

func (c *console) notFound(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, "404", http.StatusNotFound)
}

func (c *console) render(w http.ResponseWriter, r *http.Request, name string, status int) {
	lang := c.language(w, r)
	d := pageData{Title: c.opts.Title, Page: name, Lang: lang, Strings: c.strs[lang], Query: map[string]string{},
		DocID: r.PathValue("id"), Path: r.URL.Path}
	d.Other = "en"
	if lang == "en" {
		d.Other = "zh"
	}
	for k, v := range r.URL.Query() {
		d.Query[k] = v[0]
	}
	t, err := c.tmpl[name].Clone()
	if err == nil {
		strs := c.strs[lang]
		t.Funcs(template.FuncMap{"t": func(key string) string {
			if s, ok := strs[key]; ok {
				return s
			}
			return key
		}})
		var buf bytes.Buffer
		if err = t.Execute(&buf, d); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(status)
			w.Write(buf.Bytes())
			return
		}
	}
	c.log.ErrorContext(r.Context(), "rendering console page", "page", name, "err", err)
	http.Error(w, "console page failed to render", http.StatusInternalServerError)
}

// language is ?lang= (remembered in a cookie), else the cookie, else
// Chinese.
func (c *console) language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); c.strs[l] != nil {
		http.SetCookie(w, &http.Cookie{Name: "yuqing_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return l
	}
	if ck, err := r.Cookie("yuqing_lang"); err == nil && c.strs[ck.Value] != nil {
		return ck.Value
	}
	return Languages[0]
}

// serveStatic serves an embedded static file: cached for a year when
// asked for with its current hash (?v=), revalidated otherwise.
func (c *console) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	a, ok := c.static[name]
	if !ok {
		c.notFound(w, r)
		return
	}
	h := w.Header()
	switch path.Ext(name) {
	case ".js":
		h.Set("Content-Type", "text/javascript; charset=utf-8")
	case ".css":
		h.Set("Content-Type", "text/css; charset=utf-8")
	case ".svg":
		h.Set("Content-Type", "image/svg+xml")
	}
	h.Set("ETag", `"`+a.hash+`"`)
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, c.started, bytes.NewReader(a.body))
}

// securityHeaders adds the CSP and its companions to every answer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
