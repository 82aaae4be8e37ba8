package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/index/saved"
)

// CodeInvalid is the code of a well-formed request whose content is wrong
// (a saved search without a name, a query that does not parse).
const CodeInvalid = "invalid"

// createSavedSearch handles POST /api/v1/searches: {"name","query","owner"}.
func (s *Server) createSavedSearch(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var in struct {
		Name  string `json:"name"`
		Query string `json:"query"`
		Owner string `json:"owner"`
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "body must be a JSON object with name, query and owner: "+err.Error())
		return
	}
	ss, err := s.opts.Saved.Create(r.Context(), saved.Search{Name: in.Name, Query: in.Query, Owner: in.Owner})
	var ie *saved.InvalidError
	switch {
	case errors.As(err, &ie):
		writeError(w, http.StatusBadRequest, CodeInvalid, ie.Error())
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, err.Error())
	default:
		w.Header().Set("Location", "/api/v1/searches/"+ss.ID)
		writeJSON(w, http.StatusCreated, ss)
	}
}

func (s *Server) listSavedSearches(w http.ResponseWriter, r *http.Request) {
	list, err := s.opts.Saved.List(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"searches": list})
}

func (s *Server) getSavedSearch(w http.ResponseWriter, r *http.Request) {
	ss, err := s.opts.Saved.Get(r.Context(), r.PathValue("id"))
	if s.savedError(w, err) {
		return
	}
	writeJSON(w, http.StatusOK, ss)
}

func (s *Server) deleteSavedSearch(w http.ResponseWriter, r *http.Request) {
	if s.savedError(w, s.opts.Saved.Delete(r.Context(), r.PathValue("id"))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// savedError writes the answer for a failed saved-search lookup.
func (s *Server) savedError(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, saved.ErrNotFound):
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprint(err))
	default:
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, err.Error())
	}
	return true
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
