// Package console is the web console: the pages analysts and duty
// officers use instead of the JSON API (dashboard, search, document view,
// alerts, rules, sources, reports, login), served by the same binary from
// embedded files.
//
// Pages are Go templates rendered with the interface text of one language
// (Chinese by default, English with ?lang=en or the toggle, remembered in
// a cookie and localStorage); the data comes from the JSON API, fetched by
// a little plain JavaScript (one file per page plus util.js, no build
// step). Nothing is loaded from outside the server: the Content-Security-
// Policy is default-src 'self' and a test fails on any external URL in the
// embedded files.
//
// Handler serves every GET outside /api/; the API server hands those to it
// (api.Options.Console), so the console and the API share one origin.
package console
