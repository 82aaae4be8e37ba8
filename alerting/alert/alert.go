package alert

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"time"
)

// Sentinel errors; check them with errors.Is.
var (
	// ErrNotFound means there is no alert (or silence) with that id.
	ErrNotFound = errors.New("alert: not found")
	// ErrTransition means the lifecycle does not allow the change, such as
	// resolving a resolved alert or acknowledging a resolved one.
	ErrTransition = errors.New("alert: invalid transition")
	// ErrInvalid means an argument is malformed (empty rule id, silence
	// without matchers, end before start).
	ErrInvalid = errors.New("alert: invalid argument")
)

// Status is where an alert is in its lifecycle.
type Status string

// The alert statuses of the public contract.
const (
	StatusFiring       Status = "firing"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
	StatusSilenced     Status = "silenced"
)

// Timeline actions.
const (
	ActionCreated      = "created"
	ActionUpdated      = "updated"
	ActionAcknowledged = "acknowledged"
	ActionResolved     = "resolved"
	ActionSilenced     = "silenced"
	ActionEscalated    = "escalated"
)

// SystemActor is the actor of changes nobody made by hand (auto-resolve).
const SystemActor = "system"

// Event is one entry of an alert's timeline.
type Event struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Comment string    `json:"comment,omitempty"`
}

// Alert is one incident as the public API shows it. The field names of the
// JSON encoding are part of the public contract (DESIGN.md); count,
// last_seen, labels, timeline and revision extend it.
type Alert struct {
	ID              string            `json:"id"`
	RuleID          string            `json:"rule_id"`
	RuleVersion     string            `json:"rule_version"`
	Severity        string            `json:"severity"`
	Status          Status            `json:"status"`
	Fingerprint     string            `json:"fingerprint"`
	Title           string            `json:"title"`
	Summary         string            `json:"summary"`
	DocIDs          []string          `json:"doc_ids"`
	Explanation     json.RawMessage   `json:"explanation,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	AckedBy         string            `json:"acked_by"`
	AckedAt         *time.Time        `json:"acked_at"`
	ResolvedAt      *time.Time        `json:"resolved_at"`
	EscalationLevel int               `json:"escalation_level"`
	Count           int               `json:"count"`
	LastSeen        time.Time         `json:"last_seen"`
	Labels          map[string]string `json:"labels,omitempty"`
	Timeline        []Event           `json:"timeline"`
	// Revision counts the changes to the alert, starting at 1. Together
	// with the id it names one state of the alert (notification ids).
	Revision int `json:"revision"`
	// SilencedBy is the id of the silence that matched when the alert was
	// raised or last updated.
	SilencedBy string `json:"silenced_by,omitempty"`
}

// Open reports whether the alert is not resolved.
func (a *Alert) Open() bool { return a.Status != StatusResolved }

// Incoming is one match of a rule, as the alerting stage hands it to Raise.
type Incoming struct {
	RuleID      string
	RuleVersion string
	Severity    string
	// GroupValues are the rule's group_by fields and their values for this
	// match (e.g. cluster_id). They make the fingerprint and become labels.
	GroupValues map[string]string
	// Labels are the rule's static labels; GroupValues win on conflict.
	Labels      map[string]string
	Title       string
	Summary     string
	DocIDs      []string
	Explanation json.RawMessage
	// Realert is the grouping window: a match within Realert of the
	// alert's last_seen updates it. 0 means every match creates an alert.
	Realert time.Duration
	// At is when the match happened (the stage's clock).
	At time.Time
	// Matches is how many matches this Incoming stands for (the alert
	// stage merges the matches of one incident within a batch); 0 means 1.
	Matches int
}

// Fingerprint returns the incident key of a rule and its group-by values:
// the hex SHA-256 (first 16 bytes) of the length-prefixed rule id, field
// names and values, sorted by field name. Map order does not matter.
func Fingerprint(ruleID string, groupValues map[string]string) string {
	keys := make([]string, 0, len(groupValues))
	for k := range groupValues {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	field := func(s string) { // length-prefixed, so no value can fake a boundary
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(ruleID)
	for _, k := range keys {
		field(k)
		field(groupValues[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// appendEvent adds e to the timeline and bumps the revision. When the
// timeline is longer than max it drops the oldest "updated" entry, so a
// flood of evidence cannot push lifecycle entries out.
func (a *Alert) appendEvent(e Event, max int) {
	a.Timeline = append(a.Timeline, e)
	a.Revision++
	if len(a.Timeline) <= max {
		return
	}
	for i, old := range a.Timeline {
		if old.Action == ActionUpdated {
			a.Timeline = append(a.Timeline[:i], a.Timeline[i+1:]...)
			return
		}
	}
}

// addDocIDs appends ids not yet present, up to max in total.
func (a *Alert) addDocIDs(ids []string, max int) {
	seen := make(map[string]bool, len(a.DocIDs))
	for _, id := range a.DocIDs {
		seen[id] = true
	}
	for _, id := range ids {
		if len(a.DocIDs) >= max {
			return
		}
		if id != "" && !seen[id] {
			seen[id] = true
			a.DocIDs = append(a.DocIDs, id)
		}
	}
}
