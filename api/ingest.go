package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/ingest"
)

// IngestResponse reports what happened to every record of a request.
type IngestResponse struct {
	Accepted int             `json:"accepted"`
	Rejected int             `json:"rejected"`
	IDs      []string        `json:"ids"`
	Rejects  []ingest.Reject `json:"rejects"`
}

type parseFunc func(body []byte, now time.Time, lim ingest.Limits) ingest.Batch

// ingest handles a batch of records: parse per record, produce the good
// ones to the raw topic, and answer 202 only once they are durable.
func (s *Server) ingest(endpoint string, parse parseFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.overloaded(w) {
			return
		}
		body, ok := s.readBody(w, r)
		if !ok {
			return
		}
		b := parse(body, s.opts.Now().UTC(), s.opts.Limits)
		resp := IngestResponse{Accepted: len(b.Posts), Rejected: len(b.Rejects),
			IDs: make([]string, 0, len(b.Posts)), Rejects: b.Rejects}
		if resp.Rejects == nil {
			resp.Rejects = []ingest.Reject{}
		}
		if s.noneAccepted(w, endpoint, len(b.Posts), b.Rejects, resp) {
			return
		}
		msgs := make([]bus.Message, len(b.Posts))
		for i, p := range b.Posts {
			v, err := json.Marshal(p)
			if err != nil {
				writeError(w, http.StatusInternalServerError, CodeInternal, fmt.Sprintf("encoding record %s: %v", p.ID, err))
				return
			}
			msgs[i] = bus.Message{Topic: s.opts.RawTopic, Key: []byte(p.ID), Value: v, Time: p.IngestedAt}
			resp.IDs = append(resp.IDs, p.ID)
		}
		if err := s.opts.Producer.Produce(r.Context(), msgs...); err != nil {
			s.log.WarnContext(r.Context(), "producing to raw topic", "records", len(msgs), "err", err)
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, CodeUnavailable,
				fmt.Sprintf("the records could not be stored, none was accepted; retry: %v", err))
			return
		}
		s.metrics.accepted.WithLabelValues(endpoint).Add(float64(len(msgs)))
		writeJSON(w, http.StatusAccepted, resp)
	}
}

// readBody reads a bounded body, decoding GBK/GB18030 when the
// Content-Type declares it. It writes the error answer itself.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
			"request body is larger than "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes; split it into smaller batches")
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, CodeBadRequest, "reading request body: "+err.Error())
		return nil, false
	case len(strings.TrimSpace(string(body))) == 0:
		writeError(w, http.StatusBadRequest, CodeEmptyBody, "request body is empty; send a JSON array or NDJSON")
		return nil, false
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		_, params, err := mime.ParseMediaType(ct)
		if err == nil {
			switch cs := strings.ToLower(params["charset"]); cs {
			case "", "utf-8", "utf8":
			case "gbk", "gb2312", "gb18030":
				if body, err = simplifiedchinese.GB18030.NewDecoder().Bytes(body); err != nil {
					writeError(w, http.StatusBadRequest, CodeBadCharset, "body is not valid "+cs+": "+err.Error())
					return nil, false
				}
			default:
				writeError(w, http.StatusUnsupportedMediaType, CodeBadCharset, "charset "+cs+" is not supported; use utf-8 or gbk")
				return nil, false
			}
		}
	}
	return body, true
}

// overloaded answers 503 with Retry-After while the backlog of records
// accepted but not yet indexed is above MaxBacklog: the client keeps its
// records and retries, instead of the pipeline queueing without bound.
func (s *Server) overloaded(w http.ResponseWriter) bool {
	if s.opts.MaxBacklog <= 0 || s.opts.Backlog == nil {
		return false
	}
	n := s.opts.Backlog()
	if n <= s.opts.MaxBacklog {
		return false
	}
	s.metrics.overloaded.Inc()
	w.Header().Set("Retry-After", "2")
	writeError(w, http.StatusServiceUnavailable, CodeOverloaded,
		fmt.Sprintf("%d records are waiting to be indexed (limit %d); nothing was accepted, retry after 2s", n, s.opts.MaxBacklog))
	return true
}

// noneAccepted counts the rejects of a batch and, when none of its
// records was accepted, answers 400 no_valid_records with the per-record
// report resp beside the error (the ingest API and push sources alike).
func (s *Server) noneAccepted(w http.ResponseWriter, endpoint string, accepted int, rejects []ingest.Reject, resp any) bool {
	for _, rej := range rejects {
		s.metrics.rejected.WithLabelValues(endpoint, rej.Code).Inc()
	}
	if accepted > 0 {
		return false
	}
	body := map[string]any{}
	if raw, err := json.Marshal(resp); err == nil {
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) == nil {
			for k, v := range fields {
				body[k] = v
			}
		}
	}
	body["error"] = errorBody{CodeNoValidRecords, fmt.Sprintf("none of the %d records was accepted", len(rejects))}
	writeJSON(w, http.StatusBadRequest, body)
	return true
}
