package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/yuqing-dev/yuqing/index"
)

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
		return
	}
	res, err := s.opts.Search.Search(r.Context(), req)
	if err != nil {
		s.log.ErrorContext(r.Context(), "search", "q", req.Q, "err", err)
		writeError(w, http.StatusInternalServerError, CodeInternal, "search failed: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
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
	case "", "time", "relevance":
	default:
		return req, fmt.Errorf("sort: %q is not time or relevance", req.Sort)
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

func (s *Server) getDoc(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
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
