package cluster

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Results of Assign, the values of the "result" label.
const (
	resultNew      = "new"      // the document starts a cluster
	resultJoined   = "joined"   // it joins an earlier document's cluster
	resultKnown    = "known"    // it was assigned before (redelivery, or another replica)
	resultUnhashed = "unhashed" // hash 0: no features, not clustered
)

type metrics struct {
	assigned   *prometheus.CounterVec
	evicted    prometheus.Counter
	unreadable prometheus.Counter
}

// newMetrics registers the Assigner's metrics with reg; a nil reg means
// none are exported.
func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	m := &metrics{
		assigned: f.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_cluster_assignments_total",
			Help: "Documents assigned a near-duplicate cluster, by result (new, joined, known, unhashed).",
		}, []string{"result"}),
		evicted: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_cluster_candidates_evicted_total",
			Help: "Cluster candidates dropped from a full band value before their window ended; a steady rate means more clusters per window than the index holds.",
		}),
		unreadable: f.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_cluster_unreadable_values_total",
			Help: "Band values under the key prefix that did not decode and were treated as empty.",
		}),
	}
	for _, r := range []string{resultNew, resultJoined, resultKnown, resultUnhashed} {
		m.assigned.WithLabelValues(r)
	}
	return m
}
