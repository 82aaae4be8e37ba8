package audit

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Actions.
const (
	ActionLogin        = "login"
	ActionLoginFailed  = "login_failed"
	ActionLogout       = "logout"
	ActionSearch       = "search"
	ActionRevealPII    = "reveal_pii"
	ActionRuleChange   = "rule_change"
	ActionAlertAck     = "alert_ack"
	ActionAlertResolve = "alert_resolve"
	ActionSilenceAdd   = "silence_add"
	ActionSilenceDel   = "silence_delete"
	ActionExport       = "export"
	ActionUserAdd      = "user_add"
	ActionUserDisable  = "user_disable"
	ActionTokenCreate  = "token_create"
	ActionTokenRevoke  = "token_revoke"
	ActionReload       = "reload"
)

// Entry is one audited action.
type Entry struct {
	Time      time.Time      `json:"time"`
	Actor     string         `json:"actor"`
	Role      string         `json:"role,omitempty"`
	Action    string         `json:"action"`
	Target    string         `json:"target,omitempty"`
	Detail    string         `json:"detail,omitempty"`
	Fields    map[string]any `json:"fields,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Remote    string         `json:"remote,omitempty"`
}

// Query selects entries; zero fields select everything.
type Query struct {
	Actor, Action string
	Since, Until  time.Time
	// Q is a case-insensitive substring of the target, detail or fields.
	Q string
	// Limit bounds the answer (default 100, at most 1000).
	Limit int
}

// Log is an audit log. Append returns only once the entry is durable.
// Search returns the newest entries first.
type Log interface {
	Append(ctx context.Context, e Entry) error
	Search(ctx context.Context, q Query) ([]Entry, error)
}

func (q Query) limit() int {
	switch {
	case q.Limit <= 0:
		return 100
	case q.Limit > 1000:
		return 1000
	}
	return q.Limit
}

// match reports whether e is selected by q; fieldsJSON is e.Fields as
// JSON (for Q).
func (q Query) match(e Entry, line string) bool {
	if q.Actor != "" && e.Actor != q.Actor || q.Action != "" && e.Action != q.Action {
		return false
	}
	if !q.Since.IsZero() && e.Time.Before(q.Since) || !q.Until.IsZero() && !e.Time.Before(q.Until) {
		return false
	}
	return q.Q == "" || strings.Contains(strings.ToLower(line), strings.ToLower(q.Q))
}

// days lists the UTC days from since to until, newest first, at most max.
func days(since, until time.Time, max int) []string {
	var out []string
	d := until.UTC().Truncate(24 * time.Hour)
	for ; !d.Before(since.UTC().Truncate(24*time.Hour)) && len(out) < max; d = d.Add(-24 * time.Hour) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

func sortNewest(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int { return b.Time.Compare(a.Time) })
}
