package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/collect"
)

// Pusher receives the http_push sources (collect.Pusher).
type Pusher interface {
	Push(ctx context.Context, name, token string, body []byte) (collect.PushResult, error)
}

// PushResponse is IngestResponse plus the records dropped as already
// received.
type PushResponse struct {
	IngestResponse
	Duplicates int `json:"duplicates"`
}

// push handles POST /api/v1/ingest/push/{source}: a partner or SMS
// gateway sends a batch with its source's bearer token.
func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("source")
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yuqing push"`)
		writeError(w, http.StatusUnauthorized, CodeUnauthorized, "push needs the source's token: Authorization: Bearer TOKEN")
		return
	}
	if s.overloaded(w) {
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	res, err := s.opts.Pusher.Push(r.Context(), name, token, body)
	switch {
	case errors.Is(err, collect.ErrUnknownSource):
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no push source %q is configured", name))
		return
	case errors.Is(err, collect.ErrBadToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="yuqing push", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, CodeUnauthorized, "wrong token for push source "+name)
		return
	case err != nil:
		s.log.WarnContext(r.Context(), "push failed", "source", name, "err", err)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable,
			fmt.Sprintf("the records could not be stored, none was accepted; retry: %v", err))
		return
	}
	endpoint := "push:" + name
	resp := PushResponse{IngestResponse: IngestResponse{Accepted: len(res.IDs), Rejected: len(res.Rejects),
		IDs: res.IDs, Rejects: res.Rejects}, Duplicates: res.Duplicates}
	if resp.IDs == nil {
		resp.IDs = []string{}
	}
	if resp.Rejects == nil {
		resp.Rejects = []ingest.Reject{}
	}
	if s.noneAccepted(w, endpoint, len(res.IDs), res.Rejects, resp) {
		return
	}
	s.metrics.accepted.WithLabelValues(endpoint).Add(float64(len(res.IDs) - res.Duplicates))
	writeJSON(w, http.StatusAccepted, resp)
}

// listSources handles GET /api/v1/sources.
func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	st, err := s.opts.Sources(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "reading source states: "+err.Error())
		return
	}
	if st == nil {
		st = []collect.Status{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": st})
}
