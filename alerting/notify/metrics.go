package notify

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are a worker's counters, labelled by receiver name (a bounded set
// from the config).
type metrics struct {
	sent   *prometheus.CounterVec
	failed *prometheus.CounterVec
	dead   *prometheus.CounterVec
}

// newMetrics registers the counters with reg; nil reg means unregistered.
func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	return &metrics{
		sent: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_notify_sent_total", Help: "Notifications delivered to a receiver.",
		}, []string{"receiver"}),
		failed: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_notify_failed_total", Help: "Failed notification sends (each attempt).",
		}, []string{"receiver"}),
		dead: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_notify_dead_total", Help: "Notifications moved to the dead-letter list.",
		}, []string{"receiver"}),
	}
}
