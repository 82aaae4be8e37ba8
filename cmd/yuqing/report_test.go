package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/report"
)

// reportSource is an empty index and alert store: the CLI test checks the
// round trip, the report package checks the numbers.
type reportSource struct{}

func (reportSource) Search(context.Context, index.Request) (index.Result, error) {
	return index.Result{Total: 3, Hits: []index.Hit{}}, nil
}

func (reportSource) Histogram(_ context.Context, hr index.HistogramRequest) (index.Histogram, error) {
	return index.Histogram{Series: []index.Series{{Total: 3, Buckets: []index.Bucket{{Start: hr.From, Count: 3}}}}}, nil
}

func (reportSource) Alerts(context.Context, alert.Filter) ([]alert.Alert, error) { return nil, nil }

// startReportServer serves report.Service's routes, as the app mounts them.
func startReportServer(t *testing.T) string {
	t.Helper()
	a, err := report.OpenArchive(filepath.Join(t.TempDir(), "reports"))
	if err != nil {
		t.Fatal(err)
	}
	svc := &report.Service{Source: reportSource{}, Archive: a,
		Options: report.Options{Now: func() time.Time { return time.Date(2026, 11, 9, 8, 0, 0, 0, report.DefaultLocation()) }}}
	mux := http.NewServeMux()
	for _, r := range svc.Routes() {
		mux.HandleFunc(r.Pattern, r.Handler)
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestReportCommand(t *testing.T) {
	base := startReportServer(t)
	out := filepath.Join(t.TempDir(), "week.md")
	code, _, stderr := cli(t, "report", "--server", base, "--period", "weekly", "--format", "md", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(md), "# 舆情周报 2026-11-02 至 2026-11-08") || !strings.Contains(stderr, "report weekly-20261102-") {
		t.Errorf("md %v:\n%.200s\nstderr %s", err, md, stderr)
	}
	code, stdout, stderr := cli(t, "report", "--server", base, "--period", "custom", "--from", "2026-11-01", "--to", "2026-11-07", "--format", "html")
	if code != 0 || !strings.Contains(stdout, "<title>舆情报告 2026-11-01 至 2026-11-07</title>") {
		t.Errorf("html to stdout: exit %d %s %.200s", code, stderr, stdout)
	}
	if _, err := os.Stat(report.DefaultChromium); err == nil {
		pdf := filepath.Join(t.TempDir(), "day.pdf")
		code, _, stderr := cli(t, "report", "--server", base, "--period", "daily", "--format", "pdf", "--out", pdf)
		data, _ := os.ReadFile(pdf)
		if code != 0 || !strings.HasPrefix(string(data), "%PDF-") {
			t.Errorf("pdf: exit %d %s", code, stderr)
		}
	}
}

func TestReportCommandErrors(t *testing.T) {
	base := startReportServer(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "monthly"}, "want daily, weekly or custom"},
		{[]string{"--format", "docx"}, "want html, pdf or md"},
		{[]string{"--period", "custom", "--from", "2026-11-01"}, "needs --from and --to"},
		{[]string{"--period", "weekly", "--from", "2026-11-01"}, "only for --period custom"},
		{[]string{"--period", "custom", "--from", "2026-11-07", "--to", "2026-11-01"}, "bad_param"},
	} {
		code, _, stderr := cli(t, append([]string{"report", "--server", base}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q lacks %q", tc.args, code, stderr, tc.want)
		}
	}
}
