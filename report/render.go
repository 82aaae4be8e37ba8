package report

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"math"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates
var templates embed.FS

// funcs are the helpers both templates use.
func funcs(r Report) map[string]any {
	loc, err := time.LoadLocation(r.Timezone)
	if err != nil {
		loc = DefaultLocation()
	}
	return map[string]any{
		"pct":      fmtPct,
		"dur":      fmtDur,
		"day":      func(t time.Time) string { return t.In(loc).Format("01-02 Mon") },
		"hour":     func(t time.Time) string { return t.In(loc).Format("01-02 15:04") },
		"datetime": func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") },
		"optTime": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"md":    mdEscape,
		"label": actionLabel,
		"sevs":  func(m map[string]int) string { return sevList(m) },
		"join":  joinInts,
		"dict":  dict,
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " / ")
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// fmtPct shows a change: +50.0%, -50.0%, 0.0%, or 新增 when the previous
// period had none.
func fmtPct(p *float64) string {
	if p == nil {
		return "新增"
	}
	if *p > 0 {
		return fmt.Sprintf("+%.1f%%", *p)
	}
	return fmt.Sprintf("%.1f%%", *p)
}

// fmtDur shows a duration in minutes with one decimal (12.5 分钟), or hours
// from 2 h.
func fmtDur(d *time.Duration) string {
	if d == nil {
		return "—"
	}
	if *d >= 2*time.Hour {
		return fmt.Sprintf("%.1f 小时", d.Hours())
	}
	return fmt.Sprintf("%.1f 分钟", math.Round(d.Minutes()*10)/10)
}

func actionLabel(a string) string {
	switch a {
	case "created":
		return "触发"
	case "acknowledged":
		return "确认"
	case "resolved":
		return "解决"
	case "escalated":
		return "升级"
	case "updated":
		return "更新"
	case "silenced":
		return "静默"
	}
	return a
}

func sevList(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// mdEscape makes s safe in a Markdown table cell or link text.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`", "\n", " ", "<", "&lt;").Replace(s)
}

// charts are the report's SVG charts.
type charts struct {
	Trend, Category, Source, Region htmltemplate.HTML
}

func buildCharts(r Report, f map[string]any) charts {
	var c charts
	if len(r.Volume.Trend) > 0 {
		s := chartSeries{Name: "文档数", Color: "#c0392b"}
		var labels []string
		lab := f["day"].(func(time.Time) string)
		if r.Volume.Interval == "1h" {
			lab = f["hour"].(func(time.Time) string)
		}
		for _, b := range r.Volume.Trend {
			labels = append(labels, lab(b.Start))
			s.Values = append(s.Values, b.Count)
			s.Links = append(s.Links, b.Link.URL)
		}
		c.Trend = htmltemplate.HTML(LineChart("声量趋势", labels, s))
	}
	bars := func(title string, rows []Count) htmltemplate.HTML {
		if len(rows) == 0 {
			return ""
		}
		rows = topN(rows, 10)
		cur := chartSeries{Name: "本期", Color: "#c0392b"}
		prev := chartSeries{Name: "上期", Color: "#95a5a6"}
		var labels []string
		for _, c := range rows {
			labels = append(labels, c.Value)
			cur.Values, cur.Links = append(cur.Values, c.Count), append(cur.Links, c.Link.URL)
			prev.Values, prev.Links = append(prev.Values, c.Prev), append(prev.Links, c.PrevLink.URL)
		}
		return htmltemplate.HTML(BarChart(title, labels, []chartSeries{cur, prev}))
	}
	c.Category = bars("按类别", r.Volume.ByCategory)
	c.Source = bars("按来源", r.Volume.BySource)
	c.Region = bars("按地区", r.Volume.ByRegion)
	return c
}

// RenderHTML renders r as one self-contained HTML page: inline CSS and SVG
// charts, no scripts or outside resources; every figure links to the
// console's search behind it.
func RenderHTML(r Report) ([]byte, error) {
	f := funcs(r)
	t, err := htmltemplate.New("report.html.tmpl").Funcs(f).ParseFS(templates, "templates/report.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parsing html template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, map[string]any{"R": r, "Charts": buildCharts(r, f)}); err != nil {
		return nil, fmt.Errorf("rendering report %s as html: %w", r.ID, err)
	}
	return b.Bytes(), nil
}

// RenderMarkdown renders r as Markdown (GitHub flavour tables), every
// figure a link to the console's search behind it.
func RenderMarkdown(r Report) ([]byte, error) {
	t, err := texttemplate.New("report.md.tmpl").Funcs(funcs(r)).ParseFS(templates, "templates/report.md.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parsing markdown template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, map[string]any{"R": r}); err != nil {
		return nil, fmt.Errorf("rendering report %s as markdown: %w", r.ID, err)
	}
	return b.Bytes(), nil
}
