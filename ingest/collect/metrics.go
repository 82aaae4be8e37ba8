package collect

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	items      *prometheus.CounterVec
	duplicates *prometheus.CounterVec
	rejects    *prometheus.CounterVec
	polls      *prometheus.CounterVec
	lastOK     *prometheus.GaugeVec
	lastItem   *prometheus.GaugeVec
	quiet      *prometheus.GaugeVec
	holding    *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_source_items_total", Help: "Items a source produced to the raw topic.",
		}, []string{"source"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_source_duplicates_total", Help: "Items dropped as already seen within the dedup window, by what matched (url, content).",
		}, []string{"source", "by"}),
		rejects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_source_rejects_total", Help: "Items a source read that were not valid, by reject code.",
		}, []string{"source", "code"}),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_source_polls_total", Help: "Reads of a source, by result (ok, error).",
		}, []string{"source", "result"}),
		lastOK: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yuqing_source_last_success_timestamp_seconds", Help: "When a source was last read without error.",
		}, []string{"source"}),
		lastItem: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yuqing_source_last_item_timestamp_seconds", Help: "When a source last produced a new item.",
		}, []string{"source"}),
		quiet: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yuqing_source_quiet", Help: "1 while a source that normally produces has been silent for longer than usual (the flatline signal).",
		}, []string{"source"}),
		holding: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "yuqing_source_lease_held", Help: "1 while this replica holds the source's lease and reads it.",
		}, []string{"source"}),
	}
	if reg != nil {
		reg.MustRegister(m.items, m.duplicates, m.rejects, m.polls, m.lastOK, m.lastItem, m.quiet, m.holding)
	}
	return m
}
