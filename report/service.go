package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/index"
)

// Permissions the report routes need (checked by the auth layer).
const (
	PermRead  = "reports_read"
	PermWrite = "reports_write"
)

// Service generates, archives and serves reports.
type Service struct {
	Source  Source
	Archive *Archive
	// Options are the defaults of every Generate (Location, ConsoleURL…).
	Options Options
	// ChromiumPath prints PDFs ("" = DefaultChromium).
	ChromiumPath string
	Logger       *slog.Logger
}

// Run generates the report of p with id ("" = a new one) and schedule
// name, renders it and archives it; it returns the report and its HTML.
func (s *Service) Run(ctx context.Context, p Period, id, schedule string) (Report, []byte, error) {
	o := s.Options
	o.ID, o.Schedule = id, schedule
	r, err := Generate(ctx, s.Source, p, o)
	if err != nil {
		return Report{}, nil, err
	}
	html, err := RenderHTML(r)
	if err != nil {
		return Report{}, nil, err
	}
	md, err := RenderMarkdown(r)
	if err != nil {
		return Report{}, nil, err
	}
	if err := s.Archive.Put(r, html, md); err != nil {
		return Report{}, nil, err
	}
	return r, html, nil
}

func (s *Service) location() *time.Location {
	if s.Options.Location != nil {
		return s.Options.Location
	}
	return DefaultLocation()
}

func (s *Service) now() time.Time {
	if s.Options.Now != nil {
		return s.Options.Now()
	}
	return time.Now()
}

// Routes are the report API, for api.Options.Routes:
//
//	GET  /api/v1/reports        the archive, newest first          (reports_read)
//	POST /api/v1/reports        generate now: {"period","from","to"} (reports_write)
//	GET  /api/v1/reports/{id}   ?format=html|md|pdf|json (default json) (reports_read)
func (s *Service) Routes() []api.Route {
	return []api.Route{
		{Pattern: "GET /api/v1/reports", Permission: PermRead, Handler: s.list, Index: true},
		{Pattern: "POST /api/v1/reports", Permission: PermWrite, Handler: s.create, Index: true},
		{Pattern: "GET /api/v1/reports/{id}", Permission: PermRead, Handler: s.get, Index: true},
	}
}

// CreateRequest is the body of POST /api/v1/reports.
type CreateRequest struct {
	Period string `json:"period"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	entries, err := s.Archive.List()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": entries})
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_param", fmt.Sprintf("body: want {\"period\": \"daily|weekly|custom\", \"from\", \"to\"}: %v", err))
		return
	}
	p, err := ParsePeriod(req.Period, req.From, req.To, s.now(), s.location())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, _, err := s.Run(r.Context(), p, "", "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/reports/"+rep.ID)
	writeJSON(w, http.StatusCreated, rep)
}

var contentTypes = map[string]string{
	FormatJSON: "application/json; charset=utf-8", FormatHTML: "text/html; charset=utf-8",
	FormatMarkdown: "text/markdown; charset=utf-8", FormatPDF: "application/pdf",
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	id, format := r.PathValue("id"), r.URL.Query().Get("format")
	if format == "" {
		format = FormatJSON
	}
	data, err := s.Archive.Get(r.Context(), id, format, func(ctx context.Context, html []byte) ([]byte, error) {
		return RenderPDF(ctx, html, s.ChromiumPath)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A report is an export of what was collected: the audit log says who
	// took which one.
	if err := api.Record(r.Context(), audit.Entry{Action: audit.ActionExport, Target: "report:" + id, Detail: format}); err != nil {
		s.fail(w, r, fmt.Errorf("recording the export in the audit log: %w", err))
		return
	}
	w.Header().Set("Content-Type", contentTypes[format])
	if format != FormatJSON {
		disp := "attachment"
		if format == FormatHTML && r.URL.Query().Get("download") == "" {
			disp = "inline"
		}
		w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": id + "." + format}))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// fail answers err with the JSON error envelope and a stable code.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	var qe *index.QueryError
	switch {
	case errors.Is(err, ErrInvalid), errors.Is(err, index.ErrInvalid), errors.As(err, &qe):
		writeError(w, http.StatusBadRequest, "bad_param", err.Error())
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, api.ErrIndexNotOpen):
		writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
	default:
		if s.Logger != nil {
			s.Logger.ErrorContext(r.Context(), "report request", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		writeError(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
