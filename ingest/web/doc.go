// Package web is the collector of sites without feeds: list pages whose
// entries link to article pages, both described by CSS selectors in the
// source's config. The collector runner polls a Source on the source's
// schedule; each Read walks the list pages through the shared polite
// client (ingest/fetch), fetches the articles it has not seen, and hands
// their Posts to the runner, which writes them to the raw topic and then
// stores the cursor.
package web
