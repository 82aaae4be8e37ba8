// Package auth is who may do what: local users (bcrypt passwords), API
// tokens (SHA-256 hashes at rest, shown once, with an expiry), console
// sessions, and the roles that map to permissions.
//
// Users and tokens live in a Directory: files under DATA/auth/ in
// embedded mode (the CLI edits them while the server runs; the server
// re-reads them when they change) or keys of the shared state (Redis) in
// distributed mode. Sessions live in the shared state. The HTTP layer
// (package api) asks a Service who a request is and checks the route's
// permission with Identity.Can.
package auth
