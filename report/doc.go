// Package report builds the trend reports that coordination meetings
// review: volume by category, source and region against the previous
// period, hot topics (repost clusters), emerging terms, the period's major
// incidents, alert response times and notable documents.
//
//	index ──Search/Histogram/Scan──┐
//	                               ├─▶ Generate ─▶ Report ─▶ RenderHTML / RenderMarkdown / RenderPDF
//	alert store ──Alerts───────────┘                  │
//	                                                  └─▶ Archive (DATA/reports/<id>/) ─▶ HTTP, Deliver
//
// Generate reads everything through Source, which the index and the alert
// store satisfy with a thin adapter. Every figure in a Report carries the
// query and time range that produced it (Link), so the console can open the
// documents behind it at /search?q=<query>&from=<from>&to=<to>.
//
// A Scheduler runs Generate on cron schedules (robfig/cron, in the
// configured time zone), archives the result, delivers it through a hook and
// retries a failed run on the next tick; with a shared state.Store only one
// replica generates a given scheduled report. Service serves the archive and
// on-demand generation over HTTP (GET|POST /api/v1/reports).
//
// # Methods
//
// Volume: document counts come from searches (the total, then one search
// per category, source and region value found by the facets), so each
// count is exactly what its link shows. Change is (current − previous) /
// previous × 100, absent when the previous period had none.
//
// Hot topics: the period's documents are scanned (up to Options.MaxScanDocs)
// and counted per repost cluster (cluster_id; documents without one are not
// topics). Largest: by size. Fastest-growing: clusters of at least
// MinTopicSize documents ranked by (size+1)/(previous size+1). The
// representative post is the cluster's earliest document in the period.
//
// Emerging terms: candidate terms are the analysis stage's keywords of the
// period's documents (document frequency ≥ MinTermCount, the most frequent
// MaxTermCandidates). Each candidate is then counted by searching for it as
// a phrase in the period and in each of the BaselinePeriods periods before
// it; baseline rate = mean of those counts; score = (count+1)/(rate+1). A
// term is emerging when count ≥ MinTermCount and score ≥ MinTermScore.
//
// Alerts: alerts created in the period, by rule and severity. Time to
// acknowledge is acked_at − created_at of those acknowledged; median and
// p90 interpolate linearly between closest ranks (numpy's default).
// Unacknowledged alerts are those created in the period with no acked_at.
// Major incidents are the period's alerts of MajorSeverities (P1, P2),
// with their timelines.
package report
