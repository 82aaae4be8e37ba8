package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/audit"
)

// Alerts is the alert store (and the notification outbox's dead letters)
// as the API sees it.
type Alerts interface {
	List(ctx context.Context, f alert.Filter) ([]alert.Alert, error)
	Get(ctx context.Context, id string) (alert.Alert, error)
	Ack(ctx context.Context, id, who, comment string) (alert.Alert, error)
	Resolve(ctx context.Context, id, who, comment string) (alert.Alert, error)
	AddSilence(ctx context.Context, s alert.Silence) (alert.Silence, error)
	ListSilences(ctx context.Context) ([]alert.Silence, error)
	DeleteSilence(ctx context.Context, id string) error
	// DeadLetters lists notifications that could not be delivered.
	DeadLetters(ctx context.Context) (any, error)
	// Preview renders the notification a receiver would get for an alert.
	Preview(ctx context.Context, id, receiver string) (json.RawMessage, error)
}

// previewAlert handles GET /api/v1/alerts/{id}/preview?receiver=NAME: the
// body the receiver would get (its template rendered), nothing sent.
func (s *Server) previewAlert(w http.ResponseWriter, r *http.Request) {
	recv := r.URL.Query().Get("receiver")
	if recv == "" {
		writeError(w, http.StatusBadRequest, CodeBadParam, "receiver: name the receiver to preview for")
		return
	}
	body, err := s.opts.Alerts.Preview(r.Context(), r.PathValue("id"), recv)
	if s.alertError(w, err) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"receiver": recv, "payload": body})
}

// addSilence handles POST /api/v1/silences:
// {"matchers": {"rule_id": "..."}, "end": RFC 3339, "created_by": "...", "comment": "..."}.
func (s *Server) addSilence(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var in alert.Silence
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "body must be a silence {matchers, start, end, created_by, comment}: "+err.Error())
		return
	}
	in.ID = ""
	in.CreatedBy = actor(r, in.CreatedBy)
	if err := s.record(r, audit.Entry{Action: audit.ActionSilenceAdd, Detail: in.Comment,
		Fields: map[string]any{"matchers": in.Matchers, "start": in.Start, "end": in.End}}); err != nil {
		s.auditFailed(w, r, err)
		return
	}
	sil, err := s.opts.Alerts.AddSilence(r.Context(), in)
	if s.alertError(w, err) {
		return
	}
	writeJSON(w, http.StatusCreated, sil)
}

func (s *Server) listSilences(w http.ResponseWriter, r *http.Request) {
	list, err := s.opts.Alerts.ListSilences(r.Context())
	if s.alertError(w, err) {
		return
	}
	if list == nil {
		list = []alert.Silence{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"silences": list})
}

func (s *Server) deleteSilence(w http.ResponseWriter, r *http.Request) {
	if err := s.record(r, audit.Entry{Action: audit.ActionSilenceDel, Target: r.PathValue("id")}); err != nil {
		s.auditFailed(w, r, err)
		return
	}
	if s.alertError(w, s.opts.Alerts.DeleteSilence(r.Context(), r.PathValue("id"))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	list, err := s.opts.Alerts.DeadLetters(r.Context())
	if s.alertError(w, err) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letters": list})
}

// listAlerts handles GET /api/v1/alerts?status=&severity=&rule=&since=.
func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f := alert.Filter{Status: alert.Status(v.Get("status")), Severity: v.Get("severity"), RuleID: v.Get("rule")}
	switch f.Status {
	case "", alert.StatusFiring, alert.StatusAcknowledged, alert.StatusResolved, alert.StatusSilenced:
	default:
		writeError(w, http.StatusBadRequest, CodeBadParam, fmt.Sprintf("status: %q is not firing, acknowledged, resolved or silenced", f.Status))
		return
	}
	var err error
	if f.Since, err = parseTimeParam("since", v.Get("since")); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
		return
	}
	list, err := s.opts.Alerts.List(r.Context(), f)
	if s.alertError(w, err) {
		return
	}
	if list == nil {
		list = []alert.Alert{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": list})
}

func (s *Server) getAlert(w http.ResponseWriter, r *http.Request) {
	a, err := s.opts.Alerts.Get(r.Context(), r.PathValue("id"))
	if s.alertError(w, err) {
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// alertAction handles POST /api/v1/alerts/{id}/ack and /resolve with
// {"by": "...", "comment": "..."}.
func (s *Server) alertAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			By      string `json:"by"`
			Comment string `json:"comment"`
		}
		if r.ContentLength != 0 {
			body, ok := s.readBody(w, r)
			if !ok {
				return
			}
			dec := json.NewDecoder(bytesReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				writeError(w, http.StatusBadRequest, CodeBadRequest, `body must be {"by": "...", "comment": "..."}: `+err.Error())
				return
			}
		}
		in.By = actor(r, in.By)
		if in.By == "" {
			writeError(w, http.StatusBadRequest, CodeInvalid, "by: who acts on the alert is required")
			return
		}
		f, act := s.opts.Alerts.Ack, audit.ActionAlertAck
		if action == "resolve" {
			f, act = s.opts.Alerts.Resolve, audit.ActionAlertResolve
		}
		if err := s.record(r, audit.Entry{Action: act, Target: r.PathValue("id"), Detail: in.Comment}); err != nil {
			s.auditFailed(w, r, err)
			return
		}
		a, err := f(r.Context(), r.PathValue("id"), in.By, in.Comment)
		if s.alertError(w, err) {
			return
		}
		writeJSON(w, http.StatusOK, a)
	}
}

func (s *Server) alertError(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, alert.ErrNotFound):
		writeError(w, http.StatusNotFound, CodeNotFound, err.Error())
	case errors.Is(err, alert.ErrInvalid):
		writeError(w, http.StatusBadRequest, CodeInvalid, err.Error())
	case errors.Is(err, alert.ErrTransition):
		writeError(w, http.StatusConflict, CodeConflict, err.Error())
	case errors.Is(err, ErrIndexNotOpen):
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, "alerting is starting")
	default:
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, err.Error())
	}
	return true
}

// streamPoll is how often the alert stream looks for changed alerts.
const streamPoll = 500 * time.Millisecond

// alertStream handles GET /api/v1/alerts/stream, server-sent events: first
// every open alert, then each alert whose revision changed (raised,
// updated, acknowledged, resolved, silenced), as `event: alert` with the
// alert as JSON. It reads the shared alert store, so it shows the alerts of
// every replica; a comment line every 15 s keeps proxies from closing it.
func (s *Server) alertStream(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, CodeInternal, "streaming unsupported")
		return
	}
	ctx := r.Context()
	seen := map[string]int{}
	send := func(first bool) error {
		list, err := s.opts.Alerts.List(ctx, alert.Filter{})
		if err != nil {
			return err
		}
		for i := len(list) - 1; i >= 0; i-- { // oldest first
			a := list[i]
			if rev, ok := seen[a.ID]; ok && rev == a.Revision {
				continue
			}
			seen[a.ID] = a.Revision
			if first && a.Status == alert.StatusResolved {
				continue
			}
			js, _ := json.Marshal(a)
			if _, err := fmt.Fprintf(w, "id: %s-%d\nevent: alert\ndata: %s\n\n", a.ID, a.Revision, js); err != nil {
				return err
			}
		}
		fl.Flush()
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": yuqing alert stream\n\n")
	if err := send(true); err != nil {
		return
	}
	poll := time.NewTicker(streamPoll)
	defer poll.Stop()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		case <-keep.C:
			fmt.Fprint(w, ": keepalive\n\n")
			fl.Flush()
		case <-poll.C:
			if err := send(false); err != nil {
				return
			}
		}
	}
}
