// Package rss is the collector of RSS 2.0, Atom and RDF (RSS 1.0) feeds.
// The collector runner polls a Source on the source's schedule; each Read
// fetches the feed through the shared polite client (ingest/fetch),
// turns the items it has not emitted before into Posts, optionally with
// the full text of the page behind each link, and hands them to the
// runner, which writes them to the raw topic and then stores the cursor.
package rss
