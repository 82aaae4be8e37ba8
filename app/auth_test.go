package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/configs"
)

// routePerms is the permission table: every route the server registers
// must have its row here, with the permission it is checked against.
var routePerms = map[string]string{
	"POST /api/v1/login":                api.PermPublic,
	"POST /api/v1/logout":               api.PermPublic,
	"GET /api/v1/me":                    api.PermAuthenticated,
	"GET /healthz":                      api.PermPublic,
	"GET /readyz":                       api.PermPublic,
	"GET /metrics":                      api.PermAuthenticated,
	"/":                                 api.PermPublic,
	"GET /api/v1/search":                auth.PermSearch,
	"GET /api/v1/docs/{id}":             auth.PermSearch,
	"GET /api/v1/stats/histogram":       auth.PermDashboard,
	"POST /api/v1/rules/test":           auth.PermRulesDraft,
	"POST /api/v1/ingest/posts":         auth.PermIngest,
	"POST /api/v1/ingest/sms":           auth.PermIngest,
	"POST /api/v1/ingest/push/{source}": api.PermPush,
	"GET /api/v1/sources":               auth.PermSourcesRead,
	"GET /api/v1/alerts":                auth.PermAlertsRead,
	"GET /api/v1/alerts/stream":         auth.PermAlertsRead,
	"GET /api/v1/alerts/{id}":           auth.PermAlertsRead,
	"GET /api/v1/alerts/{id}/preview":   auth.PermAlertsRead,
	"POST /api/v1/alerts/{id}/ack":      auth.PermAlertsAct,
	"POST /api/v1/alerts/{id}/resolve":  auth.PermAlertsAct,
	"GET /api/v1/silences":              auth.PermAlertsRead,
	"POST /api/v1/silences":             auth.PermAlertsAct,
	"DELETE /api/v1/silences/{id}":      auth.PermAlertsAct,
	"GET /api/v1/notifications/dead":    auth.PermAlertsAct,
	"GET /api/v1/rules":                 auth.PermRulesRead,
	"GET /api/v1/rules/{id}/yaml":       auth.PermRulesRead,
	"PUT /api/v1/rules":                 auth.PermRulesWrite,
	"POST /api/v1/searches":             auth.PermSavedSearches,
	"GET /api/v1/searches":              auth.PermSavedSearches,
	"GET /api/v1/searches/{id}":         auth.PermSavedSearches,
	"DELETE /api/v1/searches/{id}":      auth.PermSavedSearches,
	"POST /api/v1/analyze":              auth.PermRulesDraft,
	"POST /api/v1/reload":               auth.PermRulesWrite,
	"GET /api/v1/audit":                 auth.PermAdmin,
	"GET /api/v1/reports":               auth.PermReportsRead,
	"POST /api/v1/reports":              auth.PermReportsWrite,
	"GET /api/v1/reports/{id}":          auth.PermReportsRead,
}

const pushToken = "push-secret-of-the-gateway"

// authServer is an embedded App with auth on and a token per role.
type authServer struct {
	*testServer
	app    *App
	data   string
	tokens map[string]string // caller → bearer token ("" none)
}

func startAuthApp(t *testing.T, edit ...func(*configs.Config)) *authServer {
	t.Helper()
	cfg := embeddedConfig(t)
	cfg.Auth.Enabled = true
	for _, e := range edit {
		e(&cfg)
	}
	cfg.RulesDir = t.TempDir() // PUT /api/v1/rules writes there
	cfg.Sources = []configs.Source{{Name: "gw", Type: configs.SourceHTTPPush, Kind: "post", Token: pushToken}}
	dir := auth.OpenDir(filepath.Join(cfg.DataDir, "auth"), nil).WithCost(4)
	ctx := context.Background()
	tokens := map[string]string{"none": "", "bad": "yq_not-a-token", "push": pushToken}
	for _, role := range auth.Roles {
		if err := dir.AddUser(ctx, role+"1", role, "password-"+role, false); err != nil {
			t.Fatal(err)
		}
		tok, _, err := dir.CreateToken(ctx, role+"1", "", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
	}
	if err := dir.AddUser(ctx, "revealer", auth.RoleAnalyst, "password-revealer", true); err != nil {
		t.Fatal(err)
	}
	tokens["revealer"], _, _ = dir.CreateToken(ctx, "revealer", "", time.Hour)

	s := startAppWith(t, cfg, Options{})
	return &authServer{testServer: s, app: s.app, data: cfg.DataDir, tokens: tokens}
}

// call sends a request as caller; it returns the status and the decoded
// JSON body (nil when none). Streams are cut after the headers.
func (s *authServer) call(caller, method, path, body string, hdr ...string) (int, map[string]any) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if tok := s.tokens[caller]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, nil
	}
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return resp.StatusCode, m
}

// TestEveryRouteAllowsAndDeniesByRole walks the server's route table:
// every route must have a row in routePerms, and every caller is allowed
// or denied (401 without or with bad credentials, 403 without the
// permission) as its role says.
func TestEveryRouteAllowsAndDeniesByRole(t *testing.T) {
	s := startAuthApp(t)
	table := s.app.Routes()
	if len(table) == 0 {
		t.Fatal("no routes")
	}
	seen := map[string]bool{}
	for _, r := range table {
		want, ok := routePerms[r.Pattern]
		switch {
		case !ok:
			t.Errorf("route %q (permission %q) has no row in routePerms: add one and decide who may call it", r.Pattern, r.Permission)
			continue
		case want != r.Permission:
			t.Errorf("route %q is checked against %q, the table says %q", r.Pattern, r.Permission, want)
		}
		seen[r.Pattern] = true
		method, path, found := strings.Cut(r.Pattern, " ")
		if !found {
			method, path = "GET", r.Pattern
		}
		path = strings.NewReplacer("{id}", "no-such-id", "{source}", "gw").Replace(path)
		for _, caller := range []string{"none", "bad", "viewer", "analyst", "duty", "admin", "ingest", "push"} {
			status, body := s.call(caller, method, path, "{}", "Content-Type", "application/json")
			var role string
			if caller != "none" && caller != "bad" && caller != "push" {
				role = caller
			}
			allowed, wantStatus := expectAccess(r.Permission, caller, role)
			denied := status == http.StatusUnauthorized || status == http.StatusForbidden
			switch {
			case allowed && denied:
				t.Errorf("%s %s as %s: %d %v, want allowed", method, path, caller, status, body)
			case !allowed && status != wantStatus:
				t.Errorf("%s %s as %s: %d %v, want %d", method, path, caller, status, body, wantStatus)
			case !allowed && r.Permission != api.PermPush && errCode(body) != map[int]string{401: "unauthorized", 403: "forbidden"}[wantStatus]:
				t.Errorf("%s %s as %s: error code %q", method, path, caller, errCode(body))
			}
		}
	}
	for p := range routePerms {
		if !seen[p] {
			t.Errorf("routePerms has %q, which the server does not register", p)
		}
	}
}

// expectAccess says whether caller (of role, "" for none) may call a
// route needing perm, and the status of a denial.
func expectAccess(perm, caller, role string) (bool, int) {
	switch perm {
	case api.PermPublic:
		return true, 0
	case api.PermPush:
		return caller == "push", http.StatusUnauthorized
	}
	if role == "" {
		return false, http.StatusUnauthorized
	}
	if perm == api.PermAuthenticated || auth.NewIdentity("x", role, false, auth.ViaToken).Can(perm) {
		return true, 0
	}
	return false, http.StatusForbidden
}

func TestMeWithAndWithoutAuth(t *testing.T) {
	s := startAuthApp(t)
	code, me := s.call("duty", "GET", "/api/v1/me", "")
	if code != 200 || me["name"] != "duty1" || me["role"] != "duty" || me["auth"] != true || me["reveal_pii"] != false {
		t.Fatalf("me: %d %v", code, me)
	}
	off := startApp(t, embeddedConfig(t))
	code, me = off.do("GET", "/api/v1/me", "", nil)
	perms, _ := me["permissions"].([]any)
	if code != 200 || me["name"] != "local" || me["role"] != "admin" || me["auth"] != false || len(perms) != len(auth.AllPermissions) {
		t.Fatalf("me with auth off: %d %v", code, me)
	}
}

// login posts a password and returns the response.
func (s *authServer) login(name, password string) *http.Response {
	s.t.Helper()
	resp, err := http.Post(s.base+"/api/v1/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"name":%q,"password":%q}`, name, password)))
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionCookiesAndCSRF(t *testing.T) {
	s := startAuthApp(t)
	if resp := s.login("analyst1", "wrong-password"); resp.StatusCode != 401 {
		t.Fatalf("bad password: %d", resp.StatusCode)
	}
	resp := s.login("analyst1", "password-analyst")
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	sess, csrf := cookieOf(resp, api.SessionCookie), cookieOf(resp, api.CSRFCookie)
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || sess.Path != "/" || sess.Secure {
		t.Fatalf("session cookie: %+v", sess)
	}
	if csrf == nil || csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || csrf.Path != "/" || csrf.Value == "" {
		t.Fatalf("csrf cookie: %+v", csrf)
	}
	cookie := api.SessionCookie + "=" + sess.Value + "; " + api.CSRFCookie + "=" + csrf.Value
	if code, me := s.call("none", "GET", "/api/v1/me", "", "Cookie", cookie); code != 200 || me["name"] != "analyst1" {
		t.Fatalf("me by cookie: %d %v", code, me)
	}
	saved := `{"name":"fraud","query":"诈骗","owner":"analyst1"}`
	if code, body := s.call("none", "POST", "/api/v1/searches", saved, "Cookie", cookie); code != 403 || errCode(body) != "csrf" {
		t.Fatalf("POST without CSRF header: %d %v", code, body)
	}
	if code, body := s.call("none", "POST", "/api/v1/searches", saved, "Cookie", cookie, api.CSRFHeader, "forged"); code != 403 || errCode(body) != "csrf" {
		t.Fatalf("POST with a wrong CSRF header: %d %v", code, body)
	}
	if code, body := s.call("none", "POST", "/api/v1/searches", saved, "Cookie", cookie, api.CSRFHeader, csrf.Value); code != 201 && code != 200 {
		t.Fatalf("POST with CSRF header: %d %v", code, body)
	}
	if code, body := s.call("none", "PUT", "/api/v1/rules", "x", "Cookie", cookie, api.CSRFHeader, csrf.Value); code != 403 || errCode(body) != "forbidden" {
		t.Fatalf("analyst putting rules live: %d %v", code, body)
	}
	if code, _ := s.call("none", "POST", "/api/v1/logout", "", "Cookie", cookie); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code, body := s.call("none", "GET", "/api/v1/me", "", "Cookie", cookie); code != 401 || errCode(body) != "unauthorized" {
		t.Fatalf("me after logout: %d %v", code, body)
	}
}

func TestSessionExpires(t *testing.T) {
	s := startAuthApp(t)
	dir := auth.OpenDir(filepath.Join(s.data, "auth"), nil)
	now := time.Now()
	// A service over the same users with a clock an hour ahead sees the
	// session the server opened as expired: the same check the server
	// makes when its clock gets there.
	resp := s.login("viewer1", "password-viewer")
	sess := cookieOf(resp, api.SessionCookie)
	st := s.app.state
	svc := auth.NewService(dir, st, auth.Options{Required: true, SessionTTL: 12 * time.Hour,
		Now: func() time.Time { return now.Add(13 * time.Hour) }})
	if _, _, err := svc.Session(context.Background(), sess.Value); err == nil {
		t.Fatal("a session past its ttl is accepted")
	}
	svc = auth.NewService(dir, st, auth.Options{Required: true, Now: func() time.Time { return now.Add(11 * time.Hour) }})
	if id, _, err := svc.Session(context.Background(), sess.Value); err != nil || id.Name != "viewer1" {
		t.Fatalf("a live session: %v", err)
	}
}

func TestLoginRateLimited(t *testing.T) {
	s := startAuthApp(t)
	for range 5 {
		s.login("duty1", "nope-nope")
	}
	if resp := s.login("duty1", "password-duty"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th login in a minute: %d", resp.StatusCode)
	}
}

func TestPushAndUserTokensDoNotMix(t *testing.T) {
	s := startAuthApp(t)
	post := `[{"text":"某地发生火灾","source":"x"}]`
	for _, caller := range []string{"admin", "ingest"} {
		if code, _ := s.call(caller, "POST", "/api/v1/ingest/push/gw", post); code != 401 {
			t.Errorf("user token %s on push: %d", caller, code)
		}
	}
	if code, body := s.call("push", "POST", "/api/v1/ingest/push/gw", post); code != 202 {
		t.Errorf("push token on push: %d %v", code, body)
	}
	if code, _ := s.call("push", "POST", "/api/v1/ingest/posts", post); code != 401 {
		t.Errorf("push token on ingest: %d", code)
	}
	if code, _ := s.call("ingest", "POST", "/api/v1/ingest/posts", post); code != 202 {
		t.Errorf("ingest token on ingest: %d", code)
	}
	if code, _ := s.call("ingest", "GET", "/api/v1/search?q=x", ""); code != 403 {
		t.Errorf("ingest token on search: %d", code)
	}
}

// TestAuditRecordsActions: the listed actions produce entries with the
// actor and details, GET /api/v1/audit filters them, only admins may
// read it, and the entries survive a restart.
func TestAuditRecordsActions(t *testing.T) {
	s := startAuthApp(t)
	s.login("duty1", "password-duty")
	s.login("duty1", "wrong-password")
	code, _ := s.call("ingest", "POST", "/api/v1/ingest/posts",
		`[{"id":"d1","source":"forum","text":"冒充客服诈骗，联系电话13812345678，请大家警惕"}]`)
	if code != 202 {
		t.Fatalf("ingest: %d", code)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, res := s.call("analyst", "GET", "/api/v1/search?q="+url.QueryEscape("诈骗"), "")
		if n, _ := res["total"].(float64); n >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("document not searchable")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Masked by default; reveal needs the grant and a reason.
	if _, doc := s.call("analyst", "GET", "/api/v1/docs/d1", ""); strings.Contains(fmt.Sprint(doc["text"]), "13812345678") {
		t.Fatalf("unmasked by default: %v", doc["text"])
	}
	if code, body := s.call("analyst", "GET", "/api/v1/docs/d1?reveal=1&reason=case", ""); code != 403 || errCode(body) != "forbidden" {
		t.Fatalf("reveal without the grant: %d %v", code, body)
	}
	if code, body := s.call("revealer", "GET", "/api/v1/docs/d1?reveal=1", ""); code != 400 || errCode(body) != "reason_required" {
		t.Fatalf("reveal without a reason: %d %v", code, body)
	}
	if code, body := s.call("revealer", "GET", "/api/v1/docs/d1?reveal=1&reason="+url.QueryEscape("case 2026-17"), ""); code != 200 || body["id"] != "d1" ||
		body["revealed"] != true || !strings.Contains(fmt.Sprint(body["text"]), "13812345678") || strings.Contains(fmt.Sprint(body["masked_text"]), "13812345678") {
		t.Fatalf("reveal: %d %v", code, body)
	}
	if code, body := s.call("admin", "PUT", "/api/v1/rules", "id: audit-test\nseverity: P3\ntype: any\nmatch: 诈骗\n"); code != 200 {
		t.Fatalf("put rules: %d %v", code, body)
	}
	s.call("duty", "POST", "/api/v1/alerts/no-such-alert/ack", `{"comment":"looking"}`)
	s.call("duty", "POST", "/api/v1/alerts/no-such-alert/resolve", `{}`)
	_, sil := s.call("duty", "POST", "/api/v1/silences",
		fmt.Sprintf(`{"matchers":{"rule_id":"audit-test"},"end":%q,"comment":"maintenance"}`, time.Now().Add(time.Hour).Format(time.RFC3339)))
	s.call("duty", "DELETE", fmt.Sprintf("/api/v1/silences/%v", sil["id"]), "")
	s.call("admin", "POST", "/api/v1/reload", "")

	want := map[string]func(audit.Entry) bool{
		audit.ActionLogin:       func(e audit.Entry) bool { return e.Actor == "duty1" && e.Role == "duty" },
		audit.ActionLoginFailed: func(e audit.Entry) bool { return e.Actor == "duty1" },
		audit.ActionSearch: func(e audit.Entry) bool {
			return e.Actor == "analyst1" && e.Detail == "诈骗" && e.Fields["total"] != nil
		},
		audit.ActionRevealPII: func(e audit.Entry) bool {
			return e.Actor == "revealer" && e.Target == "d1" && e.Detail == "case 2026-17"
		},
		audit.ActionRuleChange: func(e audit.Entry) bool {
			return e.Actor == "admin1" && strings.Contains(fmt.Sprint(e.Fields["diff"]), "+")
		},
		audit.ActionAlertAck:     func(e audit.Entry) bool { return e.Actor == "duty1" && e.Target == "no-such-alert" },
		audit.ActionAlertResolve: func(e audit.Entry) bool { return e.Actor == "duty1" },
		audit.ActionSilenceAdd:   func(e audit.Entry) bool { return e.Actor == "duty1" && e.Detail == "maintenance" },
		audit.ActionSilenceDel:   func(e audit.Entry) bool { return e.Actor == "duty1" && e.Target != "" },
		audit.ActionReload:       func(e audit.Entry) bool { return e.Actor == "admin1" },
	}
	check := func(s *authServer) {
		t.Helper()
		for action, ok := range want {
			code, body := s.call("admin", "GET", "/api/v1/audit?action="+action, "")
			if code != 200 {
				t.Fatalf("audit: %d %v", code, body)
			}
			var res struct{ Entries []audit.Entry }
			js, _ := json.Marshal(body)
			json.Unmarshal(js, &res)
			found := false
			for _, e := range res.Entries {
				if e.Action != action {
					t.Errorf("action filter %s returned %s", action, e.Action)
				}
				if ok(e) && e.RequestID != "" || ok(e) && action == audit.ActionLoginFailed {
					found = true
				}
			}
			if !found {
				t.Errorf("no matching %s entry in %+v", action, res.Entries)
			}
		}
		_, body := s.call("admin", "GET", "/api/v1/audit?actor=revealer", "")
		for _, e := range body["entries"].([]any) {
			if e.(map[string]any)["actor"] != "revealer" {
				t.Errorf("actor filter: %v", e)
			}
		}
		_, body = s.call("admin", "GET", "/api/v1/audit?q=2026-17&since="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "")
		if es := body["entries"].([]any); len(es) != 1 {
			t.Errorf("q filter: %v", es)
		}
		_, body = s.call("admin", "GET", "/api/v1/audit?until=2000-01-01", "")
		if es := body["entries"].([]any); len(es) != 0 {
			t.Errorf("until filter: %v", es)
		}
		if code, _ := s.call("analyst", "GET", "/api/v1/audit", ""); code != 403 {
			t.Errorf("analyst reads the audit log: %d", code)
		}
	}
	check(s)
	// After a restart over the same data the entries are still there.
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	cfg := embeddedConfig(t)
	cfg.DataDir, cfg.Auth.Enabled, cfg.RulesDir = s.data, true, t.TempDir()
	s2 := &authServer{testServer: startApp(t, cfg), data: s.data, tokens: s.tokens}
	s2.testServer.t = t
	check(s2)
}

// A caller over auth.rate_per_minute gets 429 with Retry-After; other
// callers are not slowed down by it.
func TestPerCallerRateLimit(t *testing.T) {
	s := startAuthApp(t, func(c *configs.Config) { c.Auth.RatePerMinute = 60 }) // a burst of 6
	limited := 0
	for range 20 {
		code, body := s.call("analyst", "GET", "/api/v1/me", "")
		if code == http.StatusTooManyRequests {
			if errCode(body) != "rate_limited" {
				t.Fatalf("429 with code %q", errCode(body))
			}
			limited++
		}
	}
	if limited < 10 {
		t.Errorf("%d of 20 quick requests limited, want at least 10 (rate 60/min, burst 6)", limited)
	}
	if code, _ := s.call("viewer", "GET", "/api/v1/me", ""); code != http.StatusOK {
		t.Errorf("another caller: %d", code)
	}
	req, _ := http.NewRequest("GET", s.base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+s.tokens["analyst"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("limited answer: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// auth.metrics_open lets Prometheus scrape without a token; everything
// else still needs one.
func TestMetricsOpen(t *testing.T) {
	s := startAuthApp(t, func(c *configs.Config) { c.Auth.MetricsOpen = true })
	if code, _ := s.call("none", "GET", "/api/v1/sources", ""); code != http.StatusUnauthorized {
		t.Errorf("sources without a token: %d", code)
	}
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/metrics without a token: %d", resp.StatusCode)
	}
}
