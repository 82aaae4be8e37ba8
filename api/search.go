package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/index"
)

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
		return
	}
	res, err := s.opts.Search.Search(r.Context(), req)
	if s.searchError(w, r, req.Q, err) {
		return
	}
	// A read: when the audit log cannot be written the search is still
	// answered, and the failure logged.
	s.recordBestEffort(r, audit.Entry{Action: audit.ActionSearch, Detail: req.Q,
		Fields: map[string]any{"total": res.Total, "from": req.From, "to": req.To}})
	writeJSON(w, http.StatusOK, res)
}

// searchError answers a failed search: a query the language rejects or a
// bad cursor is the client's (400, with the position in the query); an
// index not open yet is 503; anything else 500.
func (s *Server) searchError(w http.ResponseWriter, r *http.Request, q string, err error) bool {
	var qe *index.QueryError
	switch {
	case err == nil:
		return false
	case errors.As(err, &qe):
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"code": CodeBadQuery, "message": qe.Err.Error(), "position": qe.Err.Pos, "expected": qe.Err.Expected}})
	case errors.Is(err, index.ErrBadCursor):
		writeError(w, http.StatusBadRequest, CodeBadParam, "cursor: not a cursor this server returned")
	case errors.Is(err, index.ErrInvalid):
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
	case errors.Is(err, ErrIndexNotOpen):
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
	default:
		s.log.ErrorContext(r.Context(), "search", "q", q, "err", err)
		writeError(w, http.StatusInternalServerError, CodeInternal, "search failed: "+err.Error())
	}
	return true
}

// histogram handles GET /api/v1/stats/histogram.
func (s *Server) histogram(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	hr := index.HistogramRequest{Q: v.Get("q"), Interval: v.Get("interval"), Split: v.Get("split")}
	var err error
	if hr.From, err = parseTimeParam("from", v.Get("from")); err == nil {
		hr.To, err = parseTimeParam("to", v.Get("to"))
	}
	switch {
	case err != nil:
	case hr.Interval != "" && hr.Interval != index.IntervalHour && hr.Interval != index.IntervalDay:
		err = fmt.Errorf("interval: %q is not 1h or 1d", hr.Interval)
	case hr.Split != "" && hr.Split != "category" && hr.Split != "source":
		err = fmt.Errorf("split: %q is not category or source", hr.Split)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
		return
	}
	h, err := s.opts.Search.Histogram(r.Context(), hr)
	if s.searchError(w, r, hr.Q, err) {
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func parseSearch(v url.Values) (index.Request, error) {
	req := index.Request{Q: v.Get("q"), Sort: v.Get("sort")}
	var err error
	if req.From, err = parseTimeParam("from", v.Get("from")); err != nil {
		return req, err
	}
	if req.To, err = parseTimeParam("to", v.Get("to")); err != nil {
		return req, err
	}
	if req.Size, err = intParam(v, "size", 20, 1, index.MaxSize); err != nil {
		return req, err
	}
	if req.Page, err = intParam(v, "page", 1, 1, 100000); err != nil {
		return req, err
	}
	switch req.Sort {
	case "", index.SortTime, index.SortRelevance, index.SortRisk:
	default:
		return req, fmt.Errorf("sort: %q is not time, relevance or risk", req.Sort)
	}
	req.After = v.Get("cursor")
	if f := v.Get("facets"); f != "" {
		names := index.FacetNames()
		for _, n := range strings.Split(f, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			if !slices.Contains(names, n) {
				return req, fmt.Errorf("facets: %q is not one of %s", n, strings.Join(names, ", "))
			}
			req.Facets = append(req.Facets, n)
		}
	}
	switch req.Collapse = v.Get("collapse"); req.Collapse {
	case "", index.CollapseCluster:
	default:
		return req, fmt.Errorf("collapse: %q is not cluster", req.Collapse)
	}
	if req.After != "" && req.Collapse != "" {
		return req, errors.New("cursor: collapsed results page with page, not a cursor")
	}
	return req, nil
}

// parseTimeParam accepts RFC 3339 or a date (2006-01-02, UTC midnight).
func parseTimeParam(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 time or a date like 2026-11-25", name, s)
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s: %q is not a whole number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// getDoc handles GET /api/v1/docs/{id}: personal data masked, or with
// ?reveal=1&reason=... the original text, for callers with reveal_pii,
// written to the audit log first.
func (s *Server) getDoc(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if v := r.URL.Query(); v.Get("reveal") != "" && v.Get("reveal") != "0" && v.Get("reveal") != "false" {
		s.revealDoc(w, r, id, strings.TrimSpace(v.Get("reason")))
		return
	}
	d, err := s.opts.Search.Get(r.Context(), id)
	switch {
	case errors.Is(err, index.ErrNotFound):
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no document with id %q", id))
	case err != nil:
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
	default:
		writeJSON(w, http.StatusOK, d)
	}
}

func (s *Server) revealDoc(w http.ResponseWriter, r *http.Request, id, reason string) {
	who, _ := auth.FromContext(r.Context())
	switch {
	case !who.Can(auth.PermRevealPII):
		writeError(w, http.StatusForbidden, CodeForbidden, "revealing personal data needs the reveal_pii permission (granted per user; never with auth off)")
		return
	case reason == "":
		writeError(w, http.StatusBadRequest, CodeReasonRequired, "reason: say why you reveal this document's personal data (it is audited)")
		return
	}
	get := s.opts.Reveal
	if get == nil {
		get = s.opts.Search.Get
	}
	d, err := get(r.Context(), id)
	switch {
	case errors.Is(err, index.ErrNotFound):
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no document with id %q", id))
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
		return
	}
	if err := s.record(r, audit.Entry{Action: audit.ActionRevealPII, Target: id, Detail: reason,
		Fields: map[string]any{"pii_spans": len(d.PII)}}); err != nil {
		s.auditFailed(w, r, err)
		return
	}
	out := struct {
		analysis.Doc
		Revealed bool   `json:"revealed"`
		Note     string `json:"note,omitempty"`
	}{Doc: d, Revealed: s.opts.Reveal != nil}
	if s.opts.Reveal == nil {
		out.Note = "this server cannot read original texts back from the index; the text shown is the stored (masked) one"
	}
	writeJSON(w, http.StatusOK, out)
}
