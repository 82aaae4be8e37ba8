package api

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

type metrics struct {
	accepted *prometheus.CounterVec
	rejected *prometheus.CounterVec
	requests *prometheus.HistogramVec
	// overloaded counts ingest requests refused by back-pressure.
	overloaded prometheus.Counter
	// rateLimited counts requests refused by the per-caller rate limit.
	rateLimited prometheus.Counter
}

// newMetrics registers the API's metrics with reg; a nil reg means none
// are exported.
func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	return &metrics{
		accepted: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_ingest_records_accepted_total",
			Help: "Records accepted by the ingest API and durable on the raw topic.",
		}, []string{"endpoint"}),
		rejected: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_ingest_records_rejected_total",
			Help: "Records rejected by the ingest API, by reject code.",
		}, []string{"endpoint", "code"}),
		requests: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yuqing_http_request_duration_seconds",
			Help:    "HTTP request latency by route and status class.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"route", "status"}),
		overloaded: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_ingest_overloaded_total",
			Help: "Ingest requests answered 503 because too many records wait to be indexed.",
		}),
		rateLimited: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_http_rate_limited_total",
			Help: "Requests answered 429 because their caller was over auth.rate_per_minute.",
		}),
	}
}
