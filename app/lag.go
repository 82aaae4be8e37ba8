package app

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing-dev/yuqing/bus"
)

// partitionLagger is a consumer that reports its lag per partition
// (Kafka); others report their whole lag as partition 0.
type partitionLagger interface {
	PartitionLag() map[int]int64
}

// partitionLagCollector exports yuqing_stage_partition_lag_records for the
// partitions each stage consumer of this process holds.
type partitionLagCollector struct {
	a    *App
	desc *prometheus.Desc
}

func newPartitionLagCollector(a *App) *partitionLagCollector {
	return &partitionLagCollector{a: a, desc: prometheus.NewDesc("yuqing_stage_partition_lag_records",
		"Records on a partition of the stage's input topic not yet committed by this process's consumer, for the partitions it holds.",
		[]string{"stage", "partition"}, nil)}
}

func (c *partitionLagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *partitionLagCollector) Collect(ch chan<- prometheus.Metric) {
	c.a.consumers.Range(func(k, v any) bool {
		stage := k.(string)
		lags := map[int]int64{}
		if pl, ok := v.(partitionLagger); ok {
			lags = pl.PartitionLag()
		} else if l := v.(bus.Consumer).Lag(); l >= 0 {
			lags[0] = l
		}
		for p, l := range lags {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(l), stage, strconv.Itoa(p))
		}
		return true
	})
}
