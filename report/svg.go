package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Our own small SVG renderer for the report's charts: grouped bars and a
// line, with each bar or point a link to the query behind it. It writes a
// few hundred bytes per mark and needs no fonts beyond the page's (see
// BenchmarkSVG in BENCHMARKS.md).

// chartSeries is one series of a chart.
type chartSeries struct {
	Name   string
	Color  string
	Values []int
	Links  []string // per value; "" for none
}

const (
	chartW      = 720
	chartH      = 240
	chartLeft   = 48
	chartBottom = 48
	chartTop    = 24
)

// niceMax rounds m up to 1, 2 or 5 × a power of ten.
func niceMax(m int) int {
	if m <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(m))))
	for _, f := range []float64{1, 2, 5, 10} {
		if float64(m) <= f*p {
			return int(f * p)
		}
	}
	return m
}

func svgOpen(b *strings.Builder, label string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" class="chart">`,
		chartW, chartH, chartW, chartH, html.EscapeString(label))
}

// axes draws the y axis with 0, max/2 and max, and returns the y of v.
func axes(b *strings.Builder, max int) func(v int) float64 {
	plotH := float64(chartH - chartTop - chartBottom)
	y := func(v int) float64 { return float64(chartTop) + plotH*(1-float64(v)/float64(max)) }
	ticks := []int{0, max}
	if max%2 == 0 {
		ticks = []int{0, max / 2, max}
	}
	for _, v := range ticks {
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#666">%d</text>`,
			chartLeft, y(v), chartW-8, y(v), chartLeft-6, y(v)+4, v)
	}
	return y
}

func xLabel(b *strings.Builder, x float64, label string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#333">%s</text>`,
		x, chartH-chartBottom+16, html.EscapeString(truncRunes(label, 10)))
}

func legend(b *strings.Builder, series []chartSeries) {
	x := chartLeft
	for _, s := range series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11" fill="#333">%s</text>`,
			x, chartH-14, s.Color, x+14, chartH-5, html.EscapeString(s.Name))
		x += 24 + 12*len([]rune(s.Name))
	}
}

// BarChart renders grouped bars: one group per label, one bar per series.
func BarChart(title string, labels []string, series []chartSeries) string {
	var b strings.Builder
	svgOpen(&b, title)
	m := 0
	for _, s := range series {
		for _, v := range s.Values {
			m = max(m, v)
		}
	}
	y := axes(&b, niceMax(m))
	n := max(len(labels), 1)
	groupW := float64(chartW-chartLeft-8) / float64(n)
	barW := math.Min(groupW*0.8/float64(max(len(series), 1)), 48)
	for i, l := range labels {
		gx := float64(chartLeft) + groupW*float64(i) + (groupW-barW*float64(len(series)))/2
		for j, s := range series {
			v := s.Values[i]
			x := gx + barW*float64(j)
			bar := fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`+
				`<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#333">%d</text>`,
				x, y(v), barW-2, y(0)-y(v), s.Color, html.EscapeString(l), html.EscapeString(s.Name), v, x+barW/2-1, y(v)-3, v)
			writeLinked(&b, s.Links, i, bar)
		}
		xLabel(&b, float64(chartLeft)+groupW*(float64(i)+0.5), l)
	}
	legend(&b, series)
	b.WriteString("</svg>")
	return b.String()
}

// LineChart renders one series as a line with linked points.
func LineChart(title string, labels []string, s chartSeries) string {
	var b strings.Builder
	svgOpen(&b, title)
	m := 0
	for _, v := range s.Values {
		m = max(m, v)
	}
	y := axes(&b, niceMax(m))
	n := len(s.Values)
	step := float64(chartW-chartLeft-56) / float64(max(n-1, 1))
	x := func(i int) float64 { return float64(chartLeft+16) + step*float64(i) }
	var pts []string
	for i, v := range s.Values {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, s.Color, strings.Join(pts, " "))
	every := max(1, n/12)
	for i, v := range s.Values {
		dot := fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %d</title></circle>`,
			x(i), y(v), s.Color, html.EscapeString(labels[i]), v)
		if n <= 31 {
			dot += fmt.Sprintf(`<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#333">%d</text>`, x(i), y(v)-7, v)
		}
		writeLinked(&b, s.Links, i, dot)
		if i%every == 0 {
			xLabel(&b, x(i), labels[i])
		}
	}
	b.WriteString("</svg>")
	return b.String()
}

func writeLinked(b *strings.Builder, links []string, i int, mark string) {
	if i < len(links) && links[i] != "" {
		fmt.Fprintf(b, `<a href="%s">%s</a>`, html.EscapeString(links[i]), mark)
		return
	}
	b.WriteString(mark)
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
