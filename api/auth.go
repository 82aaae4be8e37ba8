package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
)

// Route permissions besides those of package auth.
const (
	// PermPublic routes need no credentials: health, login, the
	// console's pages.
	PermPublic = "public"
	// PermPush is the push endpoint: it checks its source's own token and
	// nothing else (a user token does not work there, a push token works
	// nowhere else).
	PermPush = "push"
	// PermAuthenticated is any authenticated caller (/api/v1/me, /metrics).
	PermAuthenticated = ""
)

// Cookies and the CSRF header of console sessions.
const (
	SessionCookie = "yuqing_session"
	CSRFCookie    = "yuqing_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

// RouteTable returns every route the server registered with its
// permission (Handler nil), in registration order; tests walk it.
func (s *Server) RouteTable() []Route { return append([]Route(nil), s.table...) }

// authorize answers 401/403 itself and returns false when r may not
// call a route needing perm; otherwise it returns r with the caller's
// identity in its context.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, perm string) (*http.Request, bool) {
	if perm == PermPublic || perm == PermPush {
		return r, true
	}
	if !s.opts.Auth.Required() {
		return r.WithContext(auth.WithIdentity(r.Context(), auth.Local())), true
	}
	id, status, code, msg := s.identify(r)
	if status != 0 {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="yuqing"`)
		}
		writeError(w, status, code, msg)
		return r, false
	}
	if perm != PermAuthenticated && !id.Can(perm) {
		writeError(w, http.StatusForbidden, CodeForbidden, "role "+id.Role+" lacks the permission "+perm)
		return r, false
	}
	if s.rateLimited(w, id.Name) {
		return r, false
	}
	return r.WithContext(auth.WithIdentity(r.Context(), id)), true
}

// identify finds who sent r: a bearer token, or a session cookie (with
// the CSRF header on state-changing methods). status is 0 on success.
func (s *Server) identify(r *http.Request) (id auth.Identity, status int, code, msg string) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return id, http.StatusUnauthorized, CodeUnauthorized, "Authorization must be Bearer TOKEN"
		}
		id, err := s.opts.Auth.Token(ctx, strings.TrimSpace(tok))
		if err != nil {
			return id, s.authStatus(r, err), CodeUnauthorized, "the token is unknown, expired or revoked"
		}
		return id, 0, "", ""
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return id, http.StatusUnauthorized, CodeUnauthorized, "log in, or send Authorization: Bearer TOKEN"
	}
	id, csrf, err := s.opts.Auth.Session(ctx, c.Value)
	if err != nil {
		return id, s.authStatus(r, err), CodeUnauthorized, "the session has expired or ended; log in again"
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		got := r.Header.Get(CSRFHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
			return id, http.StatusForbidden, CodeCSRF, "send the " + CSRFCookie + " cookie's value in the " + CSRFHeader + " header"
		}
	}
	return id, 0, "", ""
}

// authStatus is 401 for bad credentials and 500 when the directory could
// not be read.
func (s *Server) authStatus(r *http.Request, err error) int {
	if errors.Is(err, auth.ErrBadCredentials) {
		return http.StatusUnauthorized
	}
	s.log.ErrorContext(r.Context(), "checking credentials", "err", err)
	return http.StatusInternalServerError
}

// meBody is the answer of GET /api/v1/me and of a login.
type meBody struct {
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
	RevealPII   bool     `json:"reveal_pii"`
	Auth        bool     `json:"auth"`
}

func (s *Server) meOf(id auth.Identity) meBody {
	p := id.Permissions
	if p == nil {
		p = []string{}
	}
	return meBody{Name: id.Name, Role: id.Role, Permissions: p, RevealPII: id.RevealPII, Auth: s.opts.Auth.Required()}
}

// me handles GET /api/v1/me.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.FromContext(r.Context())
	writeJSON(w, http.StatusOK, s.meOf(id))
}

// login handles POST /api/v1/login {"name", "password"}.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.opts.Auth.Required() {
		writeJSON(w, http.StatusOK, s.meOf(auth.Local()))
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Name == "" {
		writeError(w, http.StatusBadRequest, CodeBadRequest, `body must be {"name": "...", "password": "..."}`)
		return
	}
	id, sess, err := s.opts.Auth.Login(r.Context(), in.Name, in.Password, remoteHost(r))
	switch {
	case errors.Is(err, auth.ErrRateLimited):
		s.recordBestEffort(r, audit.Entry{Actor: in.Name, Action: audit.ActionLoginFailed, Detail: "rate limited"})
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, CodeRateLimited, "too many failed logins; wait a minute")
		return
	case errors.Is(err, auth.ErrBadCredentials):
		s.recordBestEffort(r, audit.Entry{Actor: in.Name, Action: audit.ActionLoginFailed})
		writeError(w, http.StatusUnauthorized, CodeUnauthorized, "wrong name or password")
		return
	case err != nil:
		s.log.ErrorContext(r.Context(), "login", "err", err)
		writeError(w, http.StatusInternalServerError, CodeInternal, "login failed: "+err.Error())
		return
	}
	r = r.WithContext(auth.WithIdentity(r.Context(), id))
	if err := s.record(r, audit.Entry{Action: audit.ActionLogin}); err != nil {
		_ = s.opts.Auth.Logout(r.Context(), sess.Token)
		s.auditFailed(w, r, err)
		return
	}
	secure := r.TLS != nil
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: sess.CSRF, Path: "/", Expires: sess.Expires,
		Secure: secure, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, s.meOf(id))
}

// logout handles POST /api/v1/logout: the session ends and both cookies
// are cleared.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && s.opts.Auth.Required() {
		if id, _, err := s.opts.Auth.Session(r.Context(), c.Value); err == nil {
			s.recordBestEffort(r.WithContext(auth.WithIdentity(r.Context(), id)), audit.Entry{Action: audit.ActionLogout})
		}
		if err := s.opts.Auth.Logout(r.Context(), c.Value); err != nil {
			writeError(w, http.StatusInternalServerError, CodeInternal, "ending the session: "+err.Error())
			return
		}
	}
	for _, n := range []string{SessionCookie, CSRFCookie} {
		http.SetCookie(w, &http.Cookie{Name: n, Value: "", Path: "/", MaxAge: -1, HttpOnly: n == SessionCookie,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	w.WriteHeader(http.StatusNoContent)
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

type auditKey struct{}

type auditCtx struct {
	s *Server
	r *http.Request
}

// Record writes e to the audit log of the server handling the request
// ctx belongs to, with the caller, request id and address filled in. A
// route of Options.Routes that exports data calls it with
// audit.ActionExport before answering, and fails the request when it
// returns an error. Outside a request it does nothing.
func Record(ctx context.Context, e audit.Entry) error {
	ac, ok := ctx.Value(auditKey{}).(auditCtx)
	if !ok {
		return nil
	}
	return ac.s.record(ac.r.WithContext(ctx), e)
}

// record fills e from r and appends it to the audit log.
func (s *Server) record(r *http.Request, e audit.Entry) error {
	if s.opts.Audit == nil {
		return nil
	}
	if id, ok := auth.FromContext(r.Context()); ok {
		if e.Actor == "" {
			e.Actor = id.Name
		}
		e.Role = id.Role
	}
	if e.Time.IsZero() {
		e.Time = s.opts.Now()
	}
	e.RequestID = RequestID(r.Context())
	e.Remote = remoteHost(r)
	return s.opts.Audit.Append(r.Context(), e)
}

// recordBestEffort records e and logs a failure: for reads (searches)
// and failed logins, which go on when the audit log cannot be written.
func (s *Server) recordBestEffort(r *http.Request, e audit.Entry) {
	if err := s.record(r, e); err != nil {
		s.log.ErrorContext(r.Context(), "writing audit log", "action", e.Action, "err", err)
	}
}

// auditFailed answers 500 for an action refused because its audit entry
// could not be written.
func (s *Server) auditFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "writing audit log", "err", err)
	writeError(w, http.StatusInternalServerError, CodeAuditFailed, "the audit log could not be written, so nothing was done: "+err.Error())
}

// searchAudit handles GET /api/v1/audit?actor=&action=&since=&until=&q=&limit=.
func (s *Server) searchAudit(w http.ResponseWriter, r *http.Request) {
	if s.opts.Audit == nil {
		writeJSON(w, http.StatusOK, map[string]any{"entries": []audit.Entry{}})
		return
	}
	v := r.URL.Query()
	q := audit.Query{Actor: v.Get("actor"), Action: v.Get("action"), Q: v.Get("q")}
	var err error
	if q.Since, err = parseTimeParam("since", v.Get("since")); err == nil {
		q.Until, err = parseTimeParam("until", v.Get("until"))
	}
	if err == nil {
		q.Limit, err = intParam(v, "limit", 100, 1, 1000)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
		return
	}
	es, err := s.opts.Audit.Search(r.Context(), q)
	if err != nil {
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
		return
	}
	if es == nil {
		es = []audit.Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

// actor is who acts, for the alert store's "by" fields: the caller when
// auth is on, else what the client said.
func actor(r *http.Request, said string) string {
	if id, ok := auth.FromContext(r.Context()); ok && id.Via != auth.ViaLocal {
		return id.Name
	}
	return said
}
