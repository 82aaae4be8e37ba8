package app

import (
	"fmt"
	"path/filepath"

	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/configs"
)

// authLayers builds the authentication service and the audit log. Users,
// tokens and the audit log are files under DATA/auth and DATA/audit in
// embedded mode (the CLI edits them while the server runs), keys of the
// shared state (Redis) in distributed mode; sessions are always in the
// shared state.
func (a *App) authLayers() (*auth.Service, audit.Log, error) {
	retention, err := configs.ParseRetention(a.cfg.Auth.AuditRetention)
	if err != nil {
		return nil, nil, fmt.Errorf("auth.audit_retention: %w", err)
	}
	var (
		dir *auth.Directory
		log audit.Log
	)
	if a.cfg.State.Type == configs.StateRedis {
		dir, log = auth.StateDir(a.state, nil), audit.NewState(a.state, retention, nil)
	} else {
		files, err := audit.OpenFiles(filepath.Join(a.cfg.DataDir, "audit"), retention, nil)
		if err != nil {
			return nil, nil, err
		}
		dir, log = auth.OpenDir(filepath.Join(a.cfg.DataDir, "auth"), nil), files
	}
	required := a.cfg.AuthRequired()
	a.log.Info("authentication", "required", required, "forced_by_listen", required && !a.cfg.Auth.Enabled)
	return auth.NewService(dir, a.state, auth.Options{Required: required, SessionTTL: a.cfg.Auth.SessionTTL}), log, nil
}

// Routes returns the routes the HTTP API registered, with the permission
// each needs (nil before Run serves).
func (a *App) Routes() []api.Route {
	if s := a.api.Load(); s != nil {
		return s.RouteTable()
	}
	return nil
}
