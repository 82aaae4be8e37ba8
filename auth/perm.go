package auth

import (
	"context"
	"slices"
)

// Permissions, checked per route by the API.
const (
	PermDashboard     = "dashboard"
	PermReportsRead   = "reports_read"
	PermReportsWrite  = "reports_write"
	PermSearch        = "search"
	PermSavedSearches = "saved_searches"
	PermRulesRead     = "rules_read"
	// PermRulesDraft is rule drafts and backtests.
	PermRulesDraft = "rules_draft"
	// PermRulesWrite is putting rules live and reloading.
	PermRulesWrite  = "rules_write"
	PermAlertsRead  = "alerts_read"
	PermAlertsAct   = "alerts_act" // ack, resolve, silences
	PermSourcesRead = "sources_read"
	// PermAdmin is users, the audit log and sources administration.
	PermAdmin  = "admin"
	PermIngest = "ingest"
	// PermRevealPII sees unmasked personal data; it is granted per user,
	// never by a role.
	PermRevealPII = "reveal_pii"
)

// Roles.
const (
	RoleViewer  = "viewer"
	RoleAnalyst = "analyst"
	RoleDuty    = "duty"
	RoleAdmin   = "admin"
	// RoleIngest is the service role of ingest clients' tokens: ingest
	// and nothing else.
	RoleIngest = "ingest"
)

// Roles lists the roles in order of reach.
var Roles = []string{RoleViewer, RoleAnalyst, RoleDuty, RoleAdmin, RoleIngest}

var viewerPerms = []string{PermDashboard, PermReportsRead, PermAlertsRead, PermSourcesRead}

// AllPermissions is every permission but PermRevealPII: what an admin has.
var AllPermissions = []string{PermDashboard, PermReportsRead, PermReportsWrite, PermSearch,
	PermSavedSearches, PermRulesRead, PermRulesDraft, PermRulesWrite, PermAlertsRead, PermAlertsAct,
	PermSourcesRead, PermAdmin, PermIngest}

var rolePerms = map[string][]string{
	RoleViewer:  viewerPerms,
	RoleAnalyst: append(slices.Clone(viewerPerms), PermSearch, PermSavedSearches, PermRulesRead, PermRulesDraft, PermReportsWrite),
	RoleDuty:    append(slices.Clone(viewerPerms), PermSearch, PermAlertsAct, PermRulesRead),
	RoleAdmin:   AllPermissions,
	RoleIngest:  {PermIngest},
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { _, ok := rolePerms[role]; return ok }

// RolePermissions returns the permissions of role (a copy), nil for an
// unknown role.
func RolePermissions(role string) []string { return slices.Clone(rolePerms[role]) }

// Identity is who made a request.
type Identity struct {
	Name        string
	Role        string
	Permissions []string
	RevealPII   bool
	// Via is how the caller proved it: "session", "token" or "local"
	// (auth off).
	Via string
}

// Via values.
const (
	ViaSession = "session"
	ViaToken   = "token"
	ViaLocal   = "local"
)

// Local is the identity of every request when auth is off: an admin
// without reveal_pii.
func Local() Identity {
	return Identity{Name: "local", Role: RoleAdmin, Permissions: RolePermissions(RoleAdmin), Via: ViaLocal}
}

// NewIdentity builds the identity of a user with role.
func NewIdentity(name, role string, revealPII bool, via string) Identity {
	return Identity{Name: name, Role: role, Permissions: RolePermissions(role), RevealPII: revealPII, Via: via}
}

// Can reports whether id has perm.
func (id Identity) Can(perm string) bool {
	if perm == PermRevealPII {
		return id.RevealPII
	}
	return slices.Contains(id.Permissions, perm)
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity of the request ctx belongs to.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
