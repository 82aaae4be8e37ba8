package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
)

// Analyzer analyses posts without storing them.
type Analyzer interface {
	Analyze(p ingest.Post) analysis.Doc
}

// AnalyzeResponse is the answer of POST /api/v1/analyze: one Doc per
// accepted Post, in request order, and the rejects.
type AnalyzeResponse struct {
	Docs    []analysis.Doc  `json:"docs"`
	Rejects []ingest.Reject `json:"rejects"`
}

// maxAnalyzeRecords bounds one analyze request: analysis is synchronous.
const maxAnalyzeRecords = 1000

// ErrAnalyzerLoading is what Options.Analyzer returns while the dictionary
// is loading.
var ErrAnalyzerLoading = errors.New("the analyzer is still loading")

// analyze handles POST /api/v1/analyze: Posts in (JSON array or NDJSON,
// parsed like ingest), Docs out, nothing stored or produced.
func (s *Server) analyze(w http.ResponseWriter, r *http.Request) {
	an, err := s.opts.Analyzer()
	if err != nil {
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	lim := s.opts.Limits
	lim.MaxRecords = min(max(lim.MaxRecords, 1), maxAnalyzeRecords)
	b := ingest.ParsePosts(body, s.opts.Now().UTC(), lim)
	resp := AnalyzeResponse{Docs: make([]analysis.Doc, len(b.Posts)), Rejects: b.Rejects}
	if resp.Rejects == nil {
		resp.Rejects = []ingest.Reject{}
	}
	if len(b.Posts) == 0 {
		writeJSON(w, http.StatusBadRequest, struct {
			Error errorBody `json:"error"`
			AnalyzeResponse
		}{errorBody{CodeNoValidRecords, fmt.Sprintf("none of the %d records was accepted", len(b.Rejects))}, resp})
		return
	}
	for i, p := range b.Posts {
		resp.Docs[i] = an.Analyze(p)
	}
	writeJSON(w, http.StatusOK, resp)
}
