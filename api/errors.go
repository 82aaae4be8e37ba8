package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// Error codes are stable: clients match on them.
const (
	CodeBadRequest     = "bad_request"
	CodeBadParam       = "bad_param"
	CodeBadQuery       = "bad_query"
	CodeConflict       = "conflict"
	CodeEmptyBody      = "empty_body"
	CodeBodyTooLarge   = "body_too_large"
	CodeNoValidRecords = "no_valid_records"
	CodeNotFound       = "not_found"
	CodeUnavailable    = "unavailable"
	CodeNotReady       = "not_ready"
	CodeInternal       = "internal"
	CodeBadCharset     = "bad_charset"
	CodeUnauthorized   = "unauthorized"
	CodeOverloaded     = "overloaded"
	CodeInvalidConfig  = "invalid_config"
	// CodeForbidden: authenticated, but the role lacks the permission.
	CodeForbidden = "forbidden"
	// CodeCSRF: a session request that changes state without the CSRF
	// header.
	CodeCSRF           = "csrf"
	CodeReasonRequired = "reason_required"
	CodeRateLimited    = "rate_limited"
	CodeAuditFailed    = "audit_failed"
)

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("writing response", "err", err)
	}
}

// writeError writes the JSON error envelope.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]errorBody{"error": {Code: code, Message: msg}})
}
