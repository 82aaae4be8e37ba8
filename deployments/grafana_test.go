package deployments_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// metricDirs hold the Go packages that define yuqing's metrics.
var metricDirs = []string{"../app", "../api", "../ingest", "../alerting", "../index", "../bus", "../state"}

var metricName = regexp.MustCompile(`(?:Name:\s*|prometheus\.NewDesc\(\s*)"(yuqing_[a-z_]+)"`)

// definedMetrics collects the yuqing_ metric names of Name: "..." literals
// in the non-test Go sources.
func definedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, dir := range metricDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range metricName.FindAllSubmatch(src, -1) {
				names[string(m[1])] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d metric names in %v; has the code moved?", len(names), metricDirs)
	}
	return names
}

// runtimeMetrics are the process_ and go_ metrics the dashboard may use:
// client_golang's process and Go collectors, which app registers.
var runtimeMetrics = map[string]bool{
	"process_cpu_seconds_total":     true,
	"process_resident_memory_bytes": true,
	"process_open_fds":              true,
	"process_max_fds":               true,
	"process_start_time_seconds":    true,
	"go_memstats_heap_inuse_bytes":  true,
	"go_goroutines":                 true,
}

var (
	yuqingRef  = regexp.MustCompile(`\byuqing_[a-z_]+`)
	runtimeRef = regexp.MustCompile(`\b(?:process|go)_[a-z_]+`)
)

func TestDashboardMetricsExist(t *testing.T) {
	data, err := os.ReadFile("grafana/yuqing-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("grafana/yuqing-dashboard.json: %v", err)
	}
	defined := definedMetrics(t)
	var exprs []string
	collectExprs(dash, &exprs)
	if len(exprs) < 10 {
		t.Fatalf("grafana/yuqing-dashboard.json: %d expr fields; want a panel per concern", len(exprs))
	}
	// yuqing_config_last_reload_successful is being added; it is left out of
	// the dashboard until it exists (yuqing_rules_reloads_total and
	// yuqing_dict_reloads_total show reload failures meanwhile).
	for _, e := range exprs {
		for _, ref := range yuqingRef.FindAllString(e, -1) {
			if !defined[ref] && !defined[histogramBase(ref)] {
				t.Errorf("grafana/yuqing-dashboard.json: %s in %q is not a metric the code defines", ref, e)
			}
		}
		for _, ref := range runtimeRef.FindAllString(e, -1) {
			if !runtimeMetrics[ref] {
				t.Errorf("grafana/yuqing-dashboard.json: %s in %q is not a known process/Go metric", ref, e)
			}
		}
	}
	checkDatasourceVariable(t, dash)
}

// histogramBase strips the series suffixes of a histogram.
func histogramBase(s string) string {
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if b, ok := strings.CutSuffix(s, suf); ok {
			return b
		}
	}
	return s
}

// collectExprs gathers every "expr" string in the dashboard and its
// template variables' queries.
func collectExprs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "expr" || k == "query" && strings.Contains(s, "(")) {
				*out = append(*out, s)
			}
			collectExprs(x, out)
		}
	case []any:
		for _, x := range v {
			collectExprs(x, out)
		}
	}
}

func checkDatasourceVariable(t *testing.T, dash map[string]any) {
	t.Helper()
	tmpl, _ := dash["templating"].(map[string]any)
	list, _ := tmpl["list"].([]any)
	for _, v := range list {
		if m, _ := v.(map[string]any); m["type"] == "datasource" && m["query"] == "prometheus" {
			return
		}
	}
	t.Error("grafana/yuqing-dashboard.json: no Prometheus datasource template variable")
}
