package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

func TestBrowserSearch(t *testing.T) {
	b := newTab(t)
	b.open("/search", "#q")
	b.run("type and submit", chromedp.SendKeys(chromedp.CSS("#q"), "火灾"), chromedp.Click(chromedp.CSS("#search-go")),
		chromedp.WaitVisible(chromedp.CSS("#hits mark")))
	if m := b.text("#hits mark"); m != "火灾" {
		t.Errorf("highlight %q", m)
	}
	loc := runT(b, "location", chromedp.Location())
	if u, _ := url.Parse(loc); u.Query().Get("q") != "火灾" {
		t.Errorf("the search is not in its link: %s", loc)
	}
	b.waitJS("the histogram", `document.querySelectorAll('#search-hist svg rect.bar').length > 0`)
	if s := b.text("#result-summary"); !strings.Contains(s, "3") {
		t.Errorf("summary %q", s)
	}

	// a facet adds its filter to the query
	b.run("click the douyin facet", chromedp.Click(chromedp.CSS(`#facets a.facet[data-filter="source:douyin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hits li.hit`)))
	q := b.value("#q")
	if q != "火灾 source:douyin" {
		t.Errorf("query after the facet %q", q)
	}
	b.waitJS("one douyin hit", `document.querySelectorAll('#hits li.hit').length === 1 && document.querySelector('#result-summary').textContent.includes('1')`)

	// saving the search
	b.run("save", chromedp.SendKeys(chromedp.CSS("#save-name"), "抖音火灾"), chromedp.Click(chromedp.CSS("#save-go")))
	b.waitJS("the saved list", `document.querySelector('#saved-list').textContent.includes('抖音火灾')`)
	list := apiJSON(t, "GET", "/api/v1/searches", "")
	if s := fmt.Sprint(list["searches"]); !strings.Contains(s, "抖音火灾") || !strings.Contains(s, "火灾 source:douyin") {
		t.Errorf("saved searches %s", s)
	}
}

func TestBrowserSharedLinkAndSyntaxError(t *testing.T) {
	b := newTab(t)
	b.open("/search?q="+url.QueryEscape("火灾 -演习")+"&collapse=cluster", "#hits li.hit")
	b.waitJS("one collapsed hit with its cluster size", `document.querySelectorAll('#hits li.hit').length === 1 && document.querySelector('#hits .cluster').textContent.includes('2')`)
	if s := b.text("#hits"); strings.Contains(s, "演习") {
		t.Errorf("the drill is listed: %s", s)
	}
	checked := evalJS[bool](b, `document.querySelector('#collapse').checked`)
	if !checked {
		t.Error("collapse is not ticked on the shared link")
	}

	b.open("/search?q="+url.QueryEscape("(火灾 OR 爆炸"), "#query-error .err-pos")
	msg := b.text("#query-error")
	if !strings.Contains(msg, "9") || !strings.Contains(msg, `")"`) {
		t.Errorf("syntax error %q", msg)
	}
}

func TestBrowserDocView(t *testing.T) {
	b := newTab(t)
	b.open("/doc/fire1", "#doc-categories .cat-name")
	if s := b.text("#doc-categories"); !strings.Contains(s, "火灾") || !strings.Contains(s, "incident.fire") {
		t.Errorf("categories %q", s)
	}
	if s := b.text("#doc-places"); !strings.Contains(s, "杭州") {
		t.Errorf("places %q", s)
	}
	if s := b.text("#doc-pii .masked"); s != "138****5678" {
		t.Errorf("masked phone %q", s)
	}
	if s := b.text("#doc-text"); strings.Contains(s, "13812345678") || !strings.Contains(s, "138****5678") {
		t.Errorf("text %q", s)
	}
	marks := evalJS[int](b, `document.querySelectorAll('#doc-text mark').length`)
	if marks == 0 {
		t.Error("the explanation's evidence is not marked in the text")
	}
	b.open("/doc/no-such-doc", "#doc .error")
}

func TestBrowserAlertsLive(t *testing.T) {
	b := newTab(t)
	b.open("/alerts", "#alert-groups")
	b.waitJS("the stream", `document.querySelector('#live').classList.contains('on')`)
	b.run("actor", chromedp.SetValue(chromedp.CSS("#actor"), "值班员小王"))
	if _, err := apiDo("POST", "/api/v1/ingest/posts", `{"id":"gas1","source":"weibo","text":"宁波市海曙区一餐馆发生燃气泄漏，消防已到场疏散群众。"}`); err != nil {
		t.Fatal(err)
	}
	b.waitJS("the new P1", `[...document.querySelectorAll('.sev-group[data-sev=P1] .alert-row')].some(r => r.textContent.includes('宁波燃气泄漏'))`)
	cued := evalJS[string](b, `document.body.dataset.newP1 || ''`)
	if cued == "" {
		t.Error("no cue for the new P1")
	}
	b.run("open it", chromedp.Click(chromedp.CSS(`.sev-group[data-sev=P1] .alert-row`)), chromedp.WaitVisible(chromedp.CSS("#act-ack")))
	b.waitJS("its evidence", `document.querySelector('#evidence').textContent.includes('海曙区')`)
	if s := b.text("#alert-detail"); !strings.Contains(s, "gas-ningbo") {
		t.Errorf("detail %q", s)
	}
	b.run("acknowledge", chromedp.SendKeys(chromedp.CSS("#act-comment"), "已通知燃气公司"), chromedp.Click(chromedp.CSS("#act-ack")))
	b.waitJS("acknowledged", `document.querySelector('#detail-status').dataset.status === 'acknowledged'`)
	list := apiJSON(t, "GET", "/api/v1/alerts?rule=gas-ningbo", "")
	alerts, _ := list["alerts"].([]any)
	if len(alerts) != 1 {
		t.Fatalf("alerts %v", list)
	}
	a := alerts[0].(map[string]any)
	if a["status"] != "acknowledged" || a["acked_by"] != "值班员小王" || !strings.Contains(fmt.Sprint(a["timeline"]), "已通知燃气公司") {
		t.Errorf("alert after ack: %v", a)
	}
	if s := b.text(".timeline"); !strings.Contains(s, "已通知燃气公司") {
		t.Errorf("timeline %q", s)
	}
}

func TestBrowserRules(t *testing.T) {
	b := newTab(t)
	b.open("/rules", `tr[data-rule="fire-hangzhou"]`)
	// Edit opens the rule as written in its file, its comment included.
	b.run("edit", chromedp.Click(chromedp.CSS(`tr[data-rule="fire-hangzhou"] button`)))
	b.waitJS("the rule's YAML", `document.querySelector('#rule-yaml').dataset.loaded === 'fire-hangzhou'`)
	yaml := b.value("#rule-yaml")
	if !strings.Contains(yaml, "# Fires in Hangzhou, tuned by the duty team.") || !strings.Contains(yaml, "id: fire-hangzhou") || !strings.Contains(yaml, "match:") {
		t.Errorf("editor %q", yaml)
	}
	// backtest the shown rule: the two posts of the 杭州 fire are one alert
	b.run("backtest", chromedp.Click(chromedp.CSS("#rule-test")), chromedp.WaitVisible(chromedp.CSS("#bt-summary")))
	if s := b.text("#bt-summary .bt-alerts"); !strings.Contains(s, "1") {
		t.Errorf("backtest %q", s)
	}
	if s := b.text(".bt-examples"); !strings.Contains(s, "火灾") {
		t.Errorf("examples %q", s)
	}
	// a broken rule is refused with the field named
	bad := "id: bad-rule\nseverity: P9\ntype: any\nmatch: 火灾\n"
	b.run("bad rule", chromedp.SetValue(chromedp.CSS("#rule-yaml"), bad), chromedp.Click(chromedp.CSS("#rule-save")),
		chromedp.WaitVisible(chromedp.CSS("#rule-error")))
	if s := b.text("#rule-error"); !strings.Contains(s, "severity") {
		t.Errorf("validation message %q", s)
	}
	body := apiJSON(t, "GET", "/api/v1/rules", "")
	if strings.Contains(fmt.Sprint(body), "bad-rule") {
		t.Error("the bad rule was stored")
	}
	// Tuning the rule and saving it replaces it where it is defined (a
	// description only: the other browser tests rely on its behaviour).
	tuned := strings.Replace(yaml, "severity: P2", "severity: P2\ndescription: 调整后的规则", 1)
	b.run("save the tuned rule", chromedp.SetValue(chromedp.CSS("#rule-yaml"), tuned), chromedp.Click(chromedp.CSS("#rule-save")))
	b.waitJS("saved", `document.querySelector('#rule-msg').textContent !== '' || !document.querySelector('#rule-error').hidden`)
	if !evalJS[bool](b, `document.querySelector('#rule-error').hidden`) {
		t.Errorf("saving the tuned rule: %q", b.text("#rule-error"))
	}
	body = apiJSON(t, "GET", "/api/v1/rules", "")
	if s := fmt.Sprint(body); !strings.Contains(s, "调整后的规则") || strings.Count(s, "id:fire-hangzhou") != 1 {
		t.Errorf("after saving: %s", s)
	}
}

func TestBrowserSources(t *testing.T) {
	b := newTab(t)
	b.open("/sources", `tr[data-source="broken-feed"]`)
	b.waitJS("failing", `!!document.querySelector('tr[data-source="broken-feed"] .state-failing')`)
	if s := b.text(`tr[data-source="broken-feed"] .last-error`); !strings.Contains(s, "500") {
		t.Errorf("last error %q", s)
	}
}

func TestBrowserDashboard(t *testing.T) {
	b := newTab(t)
	b.open("/", "#dash-hist")
	b.waitJS("counts", `Number(document.querySelector('#stat-docs').textContent) >= 5`)
	b.waitJS("the volume histogram", `document.querySelectorAll('#dash-hist svg rect.bar').length > 0 && document.querySelector('#dash-hist .legend').textContent.includes('火灾')`)
	b.waitJS("provinces", `!!document.querySelector('#region-table') && document.querySelector('#region-table').textContent.includes('浙江省')`)
	// the largest repost cluster first (the fire post and its repost), shown
	// by its text, not its id
	b.waitJS("clusters", `document.querySelectorAll('#dash-clusters li').length > 0 && document.querySelector('#dash-clusters li .count').textContent.includes('2') && document.querySelector('#dash-clusters li a').textContent.includes('火灾')`)
	b.waitJS("open alerts", `document.querySelector('#stat-alerts').textContent !== '–'`)
	bannerShown := evalJS[bool](b, `!document.querySelector('#auth-off').hidden`)
	if !bannerShown {
		t.Error("no auth-off banner while /api/v1/me answers 404")
	}
}

func TestBrowserReportsEmpty(t *testing.T) {
	b := newTab(t)
	b.open("/reports", "#reports-empty")
	if s := b.text("#reports-empty"); s != "暂无报告" {
		t.Errorf("reports %q", s)
	}
}

func TestBrowserPhoneWidth(t *testing.T) {
	b := newTab(t)
	b.run("emulate a phone", chromedp.Emulate(device.IPhone12))
	for _, p := range []string{"/", "/search?q=" + url.QueryEscape("火灾") + "&collapse=cluster", "/doc/fire1", "/alerts", "/rules", "/sources", "/reports", "/login"} {
		b.open(p, "main")
		b.waitJS("rendered "+p, `document.readyState === 'complete'`)
		dims := evalJS[[]int](b, `[document.scrollingElement.scrollWidth, window.innerWidth]`)
		if dims[1] > 400 || dims[0] > dims[1] {
			t.Errorf("%s: scrollWidth %d > innerWidth %d", p, dims[0], dims[1])
		}
	}
}

func TestBrowserEnglish(t *testing.T) {
	b := newTab(t)
	t.Cleanup(func() { // back to Chinese for the other tests (one profile)
		b.run("back to Chinese", chromedp.Navigate(env.base+"/?lang=zh"), chromedp.WaitReady(chromedp.CSS("main")))
	})
	b.open("/search", "#lang-toggle")
	b.run("toggle", chromedp.Click(chromedp.CSS("#lang-toggle")), chromedp.WaitVisible(chromedp.CSS(`body[data-lang="en"] #search-go`)))
	if s := b.text("h1"); s != "Search" {
		t.Errorf("h1 %q after the toggle", s)
	}
	stored := evalJS[string](b, `localStorage.getItem('yuqing_lang')`)
	if stored != "en" {
		t.Errorf("localStorage yuqing_lang %q", stored)
	}
	b.open("/alerts", "h1")
	if s := b.text("h1"); !strings.Contains(s, "Live alerts") {
		t.Errorf("alerts page %q", s)
	}
	b.open("/search?q="+url.QueryEscape("火灾"), "#hits li.hit")
	b.waitJS("English summary", `document.querySelector('#result-summary').textContent.includes('results')`)
}

func TestBrowserLogin(t *testing.T) {
	var loggedIn atomic.Bool
	setMe(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/login":
			var in struct{ Name, Password string }
			json.NewDecoder(r.Body).Decode(&in)
			if in.Name != "analyst" || in.Password != "secret" {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":{"code":"unauthorized","message":"wrong name or password"}}`))
				return
			}
			loggedIn.Store(true)
			http.SetCookie(w, &http.Cookie{Name: "yuqing_session", Value: "s1", Path: "/", HttpOnly: true})
			http.SetCookie(w, &http.Cookie{Name: "yuqing_csrf", Value: "csrf-token-1", Path: "/"})
			w.Write([]byte(`{"name":"analyst"}`))
		case "/api/v1/logout":
			loggedIn.Store(false)
			w.Write([]byte(`{}`))
		default:
			if !loggedIn.Load() {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":{"code":"unauthorized","message":"log in"}}`))
				return
			}
			w.Write([]byte(`{"name":"analyst","role":"analyst","permissions":["dashboard","search","alerts_read"],"reveal_pii":false,"auth":true}`))
		}
	})
	t.Cleanup(func() { setMe(nil) })
	b := newTab(t)
	b.open("/alerts", "#login-form")
	loc := runT(b, "location", chromedp.Location())
	if !strings.Contains(loc, "/login?next=%2Falerts") {
		t.Errorf("redirected to %s", loc)
	}
	b.run("wrong password", chromedp.SendKeys(chromedp.CSS("#login-name"), "analyst"), chromedp.SendKeys(chromedp.CSS("#login-password"), "nope"),
		chromedp.Click(chromedp.CSS("#login-go")), chromedp.WaitVisible(chromedp.CSS("#login-error")))
	b.run("right password", chromedp.SetValue(chromedp.CSS("#login-password"), "secret"), chromedp.Click(chromedp.CSS("#login-go")),
		chromedp.WaitVisible(chromedp.CSS("#alert-groups")))
	b.waitJS("signed in", `document.querySelector('#user-name').textContent === 'analyst'`)
	state := evalJS[[]bool](b, `[document.querySelector('#auth-off').hidden, document.querySelector('a[href="/rules"]').hidden, document.querySelector('#silence-form').hidden, document.querySelector('a[href="/search"]').hidden]`)
	if !state[0] || !state[1] || !state[2] || state[3] {
		t.Errorf("auth-off hidden, rules hidden, silence form hidden, search hidden = %v; want true true true false", state)
	}
	b.run("log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	if tok := lastCSRF(); tok != "csrf-token-1" {
		t.Errorf("logout sent X-CSRF-Token %q", tok)
	}
}
