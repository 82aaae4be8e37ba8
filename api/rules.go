package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/segmentio/encoding/json"
	"go.yaml.in/yaml/v3"

	"github.com/yuqing-dev/yuqing/alerting/backtest"
	"github.com/yuqing-dev/yuqing/alerting/rule"
	"github.com/yuqing-dev/yuqing/audit"
)

// ErrBadRule wraps the errors of a rule a backtest was given; answered
// 400 with code invalid.
var ErrBadRule = errors.New("invalid rule")

// Backtester replays indexed history through a rule (YAML, as in a rule
// file) and reports what it would have raised.
type Backtester func(ctx context.Context, ruleYAML []byte, from, to time.Time) (backtest.Result, error)

// listRules handles GET /api/v1/rules: the enabled rules in use, with
// defaults filled in and their versions.
func (s *Server) listRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.opts.Rules()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
		return
	}
	if rules == nil {
		rules = []rule.Rule{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

// ruleYAML handles GET /api/v1/rules/{id}/yaml: the rule as written in
// its file, with its comments (what the console's editor opens), or as
// rule YAML with defaults filled in when the file cannot be read.
func (s *Server) ruleYAML(w http.ResponseWriter, r *http.Request) {
	rules, err := s.opts.Rules()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
		return
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(rules, func(x rule.Rule) bool { return x.ID == id })
	if i < 0 {
		writeError(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no rule %q in use", id))
		return
	}
	var text []byte
	if data, err := os.ReadFile(rules[i].File); err == nil {
		if texts, err := rule.RuleYAML(data); err == nil {
			text = texts[id]
		}
	}
	if text == nil {
		if text, err = rule.Marshal(rules[i : i+1]); err != nil {
			writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(text)
}

// putRules handles PUT /api/v1/rules: a body of rule YAML (one rule, a
// list or --- documents) stored beside the rule files and loaded at once;
// the answer is the rules in use.
func (s *Server) putRules(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	// Recorded before (what was sent) and after (the diff of the rules in
	// use), so that no change goes unrecorded: when the first record
	// fails nothing is changed.
	if err := s.record(r, audit.Entry{Action: audit.ActionRuleChange, Detail: "submitted",
		Fields: map[string]any{"yaml": string(body)}}); err != nil {
		s.auditFailed(w, r, err)
		return
	}
	var before []rule.Rule
	if s.opts.Rules != nil {
		before, _ = s.opts.Rules()
	}
	rules, err := s.opts.PutRules(r.Context(), body)
	if ruleError(w, err) {
		return
	}
	diff := audit.Diff(rulesYAML(before), rulesYAML(rules))
	if err := s.record(r, audit.Entry{Action: audit.ActionRuleChange, Detail: "applied",
		Fields: map[string]any{"diff": diff}}); err != nil {
		s.log.ErrorContext(r.Context(), "writing audit log", "err", err)
		writeError(w, http.StatusInternalServerError, CodeAuditFailed,
			"the rules were applied (the submitted YAML is in the audit log) but their diff could not be recorded: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

// rulesYAML renders rules for the audit diff.
func rulesYAML(rules []rule.Rule) string {
	if len(rules) == 0 {
		return ""
	}
	out, err := yaml.Marshal(rules)
	if err != nil {
		return fmt.Sprintf("(rules not renderable: %v)", err)
	}
	return string(out)
}

// ruleError answers a failed rule operation: a bad rule is 400 invalid
// (with file:line: rule: field), a server still starting 503.
func ruleError(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrBadRule):
		writeError(w, http.StatusBadRequest, CodeInvalid, err.Error())
	case errors.Is(err, ErrIndexNotOpen):
		writeError(w, http.StatusServiceUnavailable, CodeNotReady, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
	}
	return true
}

// testRule handles POST /api/v1/rules/test:
// {"rule": "<rule YAML>", "from": "2026-11-01", "to": "2026-11-08"}.
func (s *Server) testRule(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var in struct {
		Rule string `json:"rule"`
		From string `json:"from"`
		To   string `json:"to"`
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, `body must be {"rule": "<YAML>", "from": "...", "to": "..."}: `+err.Error())
		return
	}
	from, err := parseTimeParam("from", in.From)
	if err == nil {
		var to time.Time
		if to, err = parseTimeParam("to", in.To); err == nil {
			if to.IsZero() {
				to = s.opts.Now()
			}
			if from.IsZero() {
				from = to.Add(-7 * 24 * time.Hour)
			}
			if !from.Before(to) {
				writeError(w, http.StatusBadRequest, CodeBadParam, "from must be before to")
				return
			}
			res, err := s.opts.Backtest(r.Context(), []byte(in.Rule), from, to)
			if !ruleError(w, err) {
				writeJSON(w, http.StatusOK, res)
			}
			return
		}
	}
	writeError(w, http.StatusBadRequest, CodeBadParam, err.Error())
}
