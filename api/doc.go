// Package api is yuqing's HTTP interface: ingest, search, documents,
// health, readiness and metrics (the console and the alert and rule
// endpoints join it as they are built).
//
// Ingest handlers are where collectors hand records to the pipeline:
// a request is answered 202 only after its accepted records are durable on
// the raw topic, so a client that got 202 may forget them. Every error is
// JSON {"error": {"code": "...", "message": "..."}} with a stable code and
// the status that fits.
package api
