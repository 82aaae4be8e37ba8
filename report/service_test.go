package report

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/index"
	"github.com/yuqing-dev/yuqing/internal/teststate"
)

// emptySource is an index and alert store with nothing in them.
type emptySource struct{ searches atomic.Int64 }

func (e *emptySource) Search(_ context.Context, req index.Request) (index.Result, error) {
	e.searches.Add(1)
	if strings.Contains(req.Q, "(") {
		return index.Result{}, index.ErrInvalid
	}
	return index.Result{Hits: []index.Hit{}}, nil
}

func (e *emptySource) Histogram(_ context.Context, hr index.HistogramRequest) (index.Histogram, error) {
	return index.Histogram{Interval: hr.Interval, From: hr.From, To: hr.To, Series: []index.Series{{Buckets: []index.Bucket{{Start: hr.From}}}}}, nil
}

func (e *emptySource) Alerts(context.Context, alert.Filter) ([]alert.Alert, error) { return nil, nil }

func newService(t *testing.T, now func() time.Time) *Service {
	t.Helper()
	a, err := OpenArchive(filepath.Join(t.TempDir(), "reports"))
	if err != nil {
		t.Fatal(err)
	}
	return &Service{Source: &emptySource{}, Archive: a, Options: Options{Location: cst, Now: now}}
}

func TestReportHTTPRoutes(t *testing.T) {
	svc := newService(t, func() time.Time { return genTime })
	mux := http.NewServeMux()
	perms := map[string]string{}
	for _, r := range svc.Routes() {
		mux.HandleFunc(r.Pattern, r.Handler)
		perms[r.Pattern] = r.Permission
	}
	if perms["POST /api/v1/reports"] != "reports_write" || perms["GET /api/v1/reports/{id}"] != "reports_read" || perms["GET /api/v1/reports"] != "reports_read" {
		t.Errorf("permissions: %v", perms)
	}
	ts := httptest.NewServer(mux)
	defer ts.Close()
	do := func(method, path, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := do("POST", "/api/v1/reports", `{"period":"weekly"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	var rep Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil || !strings.HasPrefix(rep.ID, "weekly-20261102-") || rep.Title != "舆情周报 2026-11-02 至 2026-11-08" {
		t.Fatalf("created %+v %v", rep, err)
	}
	if resp.Header.Get("Location") != "/api/v1/reports/"+rep.ID {
		t.Errorf("Location %q", resp.Header.Get("Location"))
	}
	_, body = do("GET", "/api/v1/reports", "")
	if !strings.Contains(body, `"id":"`+rep.ID+`"`) {
		t.Errorf("list lacks the report: %s", body)
	}
	for format, ctype := range map[string]string{"html": "text/html", "md": "text/markdown", "json": "application/json"} {
		resp, body := do("GET", "/api/v1/reports/"+rep.ID+"?format="+format, "")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || !strings.Contains(body, "舆情周报") {
			t.Errorf("format %s: %d %s %.80s", format, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, _ = do("GET", "/api/v1/reports/"+rep.ID+"?format=md", "")
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=`+rep.ID+`.md` {
		t.Errorf("Content-Disposition %q", cd)
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/api/v1/reports", `{"period":"monthly"}`, 400, "bad_param"},
		{"POST", "/api/v1/reports", `{"period":"custom","from":"2026-11-05","to":"2026-11-01"}`, 400, "bad_param"},
		{"POST", "/api/v1/reports", `{"period":"weekly","extra":1}`, 400, "bad_param"},
		{"POST", "/api/v1/reports", `not json`, 400, "bad_param"},
		{"GET", "/api/v1/reports/nope", "", 404, "not_found"},
		{"GET", "/api/v1/reports/..%2f..%2fetc", "", 404, "not_found"},
		{"GET", "/api/v1/reports/" + rep.ID + "?format=docx", "", 400, "bad_param"},
	} {
		resp, body := do(tc.method, tc.path, tc.body)
		var env struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &env)
		if resp.StatusCode != tc.status || env.Error.Code != tc.code || env.Error.Message == "" {
			t.Errorf("%s %s %s: %d %s", tc.method, tc.path, tc.body, resp.StatusCode, body)
		}
	}
	if _, err := os.Stat(DefaultChromium); err == nil {
		resp, body := do("GET", "/api/v1/reports/"+rep.ID+"?format=pdf", "")
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("pdf: %d %.20q", resp.StatusCode, body)
		}
	}
}

func TestReportArchiveRetention(t *testing.T) {
	now := genTime
	svc := newService(t, func() time.Time { return now })
	p, _ := LastPeriod(Daily, now, cst)
	old, _, err := svc.Run(context.Background(), p, "daily-old", "daily")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(100 * 24 * time.Hour)
	fresh, _, err := svc.Run(context.Background(), p, "", "")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := svc.Archive.Prune(now, 30*24*time.Hour)
	if err != nil || len(gone) != 1 || gone[0] != old.ID {
		t.Fatalf("pruned %v, %v", gone, err)
	}
	if _, err := os.Stat(filepath.Join(svc.Archive.dir, old.ID)); !os.IsNotExist(err) {
		t.Errorf("old report still on disk: %v", err)
	}
	list, _ := svc.Archive.List()
	if len(list) != 1 || list[0].ID != fresh.ID {
		t.Errorf("left %+v", list)
	}
}

func TestReportSchedulerFiresAndArchives(t *testing.T) {
	svc := newService(t, nil)
	st := teststate.Local(t, time.Now)
	delivered := make(chan Report, 10)
	fail := atomic.Bool{}
	fail.Store(true)
	sched := &Scheduler{Service: svc, State: st, Config: Config{Timezone: "Asia/Shanghai", Retention: "365d",
		Schedules: []ScheduleConfig{{Name: "daily", Period: string(Daily), Cron: "@every 1s"}}},
		Deliver: func(_ context.Context, r Report, html []byte) error {
			if fail.Swap(false) {
				return io.ErrUnexpectedEOF // the first delivery fails: retried next tick
			}
			if !strings.Contains(string(html), r.Title) {
				t.Errorf("delivered html lacks the title")
			}
			delivered <- r
			return nil
		}}
	// A second replica on the same state must not generate it again.
	other := &Scheduler{Service: newService(t, nil), State: st, Config: sched.Config}
	stop, err := sched.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var r Report
	select {
	case r = <-delivered:
	case <-time.After(20 * time.Second):
		t.Fatal("no report delivered")
	}
	want, _ := LastPeriod(Daily, time.Now(), cst)
	if r.ID != ScheduledID("daily", want, cst) || r.Schedule != "daily" {
		t.Errorf("delivered %s (%s)", r.ID, r.Schedule)
	}
	if _, err := svc.Archive.Get(t.Context(), r.ID, FormatHTML, nil); err != nil {
		t.Errorf("not archived: %v", err)
	}
	stop2, err := other.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other.Tick(t.Context(), other.Config.Schedules[0])
	stop2()
	if list, _ := other.Service.Archive.List(); len(list) != 0 {
		t.Errorf("second replica generated %v", list)
	}
}

func TestReportConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{
		{Timezone: "Mars/Olympus"},
		{Retention: "1y"},
		{Schedules: []ScheduleConfig{{Name: "d", Period: "monthly", Cron: "@daily"}}},
		{Schedules: []ScheduleConfig{{Name: "d", Period: string(Daily), Cron: "61 * * * *"}}},
		{Schedules: []ScheduleConfig{{Name: "d", Period: string(Daily), Cron: "@daily"}, {Name: "d", Period: string(Weekly), Cron: "@daily"}}},
		{ConsoleURL: "ftp://x"},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if d, _ := (Config{Retention: "2w"}).RetentionPeriod(); d != 14*24*time.Hour {
		t.Errorf("2w = %v", d)
	}
}
