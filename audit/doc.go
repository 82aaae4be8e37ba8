// Package audit is the append-only record of who did what: logins,
// searches, reveals of personal data, rule changes, alert actions,
// exports, user and token changes, reloads.
//
// Embedded mode keeps one JSON-lines file per UTC day under
// DATA/audit/ (Files): appended with O_APPEND and fsynced per entry,
// never rewritten, dropped whole once the day is older than the
// retention. The CLI appends to the same files while the server runs.
// Distributed mode keeps entries in the shared state (State), one key per
// entry (audit:<day>:<time>:<rand>) with the retention as its time to
// live, so every API process writes to and searches the same log.
package audit
