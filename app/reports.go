package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/alerting/alert"
	"github.com/yuqing-dev/yuqing/alerting/notify"
	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/api"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/report"
)

// reportSource is what reports read: the local index through the same
// not-open-yet guard as the API (lazySearcher), and the alerts in the
// shared state.
type reportSource struct {
	lazySearcher
	alerts *alert.Store
}

// Scan lets a report count clusters and keywords over every document of
// the period instead of paging through searches.
func (s reportSource) Scan(ctx context.Context, q string, from, to time.Time, fn func(analysis.Doc) error) error {
	if !s.a.ready.Load() {
		return api.ErrIndexNotOpen
	}
	return s.a.index.Scan(ctx, q, from, to, fn)
}

func (s reportSource) Alerts(ctx context.Context, f alert.Filter) ([]alert.Alert, error) {
	return s.alerts.List(ctx, f)
}

// reportRoutes are the report API: served by the process with the index
// (reports read it), forwarded to it by API processes without it.
func (a *App) reportRoutes() []api.Route {
	if svc := a.reports; svc != nil {
		return svc.Routes()
	}
	return (&report.Service{}).Routes() // patterns for the proxy only
}

// newReportService builds the report service of a process with the index
// role; nil elsewhere.
func (a *App) newReportService() (*report.Service, error) {
	if !a.cfg.Runs(configs.RoleIndex) {
		return nil, nil
	}
	arch, err := report.OpenArchive(filepath.Join(a.cfg.DataDir, "reports"))
	if err != nil {
		return nil, err
	}
	rc := a.cfg.Reports
	loc, _ := rc.Location() // validated
	return &report.Service{
		Source:       reportSource{lazySearcher{a}, alert.New(a.state, alert.Options{Retention: alertsRetention(a.cfg)})},
		Archive:      arch,
		Options:      report.Options{Location: loc, ConsoleURL: rc.ConsoleURL},
		ChromiumPath: rc.ChromiumPath,
		Logger:       a.log,
	}, nil
}

// startReportScheduler runs the scheduled reports (report role).
func (a *App) startReportScheduler(ctx context.Context) error {
	sch := &report.Scheduler{Service: a.reports, Config: a.cfg.Reports, Deliver: a.deliverReport,
		State: a.state, Logger: a.log}
	stop, err := sch.Start(ctx)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	a.cleanups = append(a.cleanups, func() error { stop(); return nil })
	return nil
}

// deliverReport sends a scheduled report to reports.receivers: webhooks
// and chat bots get a JSON message with the link, e-mail the HTML report
// itself. A failure fails the run, which the scheduler retries.
func (a *App) deliverReport(ctx context.Context, r report.Report, html []byte) error {
	link := strings.TrimRight(a.cfg.Reports.ConsoleURL, "/") + "/api/v1/reports/" + r.ID + "?format=html"
	for _, name := range a.cfg.Reports.Receivers {
		rc, ok := receiverByName(a.cfg, name)
		if !ok {
			return fmt.Errorf("reports.receivers: no receiver %q", name)
		}
		var (
			recv    notify.Receiver
			payload []byte
		)
		if rc.Type == configs.ReceiverEmail {
			recv = &notify.Email{Addr: rc.SMTP, From: rc.From, To: rc.To, Username: rc.Username, Password: rc.Password, Timeout: rc.Timeout}
			payload = notify.Message(rc.From, rc.To, r.Title, "report-"+r.ID, "text/html", html)
		} else {
			recv = &notify.Webhook{URL: rc.URL, Timeout: rc.Timeout, Headers: rc.Headers}
			payload, _ = json.Marshal(map[string]any{"type": "report", "id": r.ID, "title": r.Title,
				"period": r.Period, "generated_at": r.GeneratedAt, "url": link})
		}
		if err := recv.Send(ctx, notify.Notification{ID: "report-" + r.ID + "-" + name, Receiver: name, Payload: payload}); err != nil {
			return fmt.Errorf("delivering report %s to %s: %w", r.ID, name, err)
		}
	}
	return nil
}

func receiverByName(cfg configs.Config, name string) (configs.Receiver, bool) {
	for _, r := range cfg.Receivers {
		if r.Name == name {
			return r, true
		}
	}
	return configs.Receiver{}, false
}
