package report

import (
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkSVG measures our SVG renderer: a line of n points (the trend)
// and n groups of two bars (current vs previous).
func BenchmarkSVG(b *testing.B) {
	for _, n := range []int{7, 24, 90} {
		labels := make([]string, n)
		s := chartSeries{Name: "本期", Color: "#c0392b"}
		p := chartSeries{Name: "上期", Color: "#95a5a6"}
		for i := range n {
			labels[i] = "类别" + strconv.Itoa(i)
			s.Values = append(s.Values, i*37%101)
			p.Values = append(p.Values, i*53%97)
			s.Links = append(s.Links, fmt.Sprintf("/search?q=category%%3A%d&from=2026-11-02T00%%3A00%%3A00%%2B08%%3A00", i))
			p.Links = append(p.Links, s.Links[i])
		}
		b.Run(fmt.Sprintf("line-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				size = len(LineChart("趋势", labels, s))
			}
			b.ReportMetric(float64(size), "bytes/chart")
		})
		b.Run(fmt.Sprintf("bars-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				size = len(BarChart("按类别", labels, []chartSeries{s, p}))
			}
			b.ReportMetric(float64(size), "bytes/chart")
		})
	}
}
