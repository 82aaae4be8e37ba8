package configs

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Reports configures the trend reports (package report): when they are
// generated, in which time zone, how long they are kept and who gets
// them.
type Reports struct {
	// Schedules generate reports on cron schedules (run by the process
	// with the report role).
	Schedules []ReportSchedule `yaml:"schedules"`
	// Timezone is where days and weeks start and schedules run
	// (default Asia/Shanghai).
	Timezone string `yaml:"timezone"`
	// Retention is how long archived reports are kept: "0" (forever),
	// whole days ("365d") or weeks ("52w").
	Retention string `yaml:"retention"`
	// Receivers are the alert receivers (by name) scheduled reports are
	// delivered to.
	Receivers []string `yaml:"receivers"`
	// ConsoleURL prefixes the links in reports (https://yuqing.example);
	// empty gives links relative to the console.
	ConsoleURL string `yaml:"console_url"`
	// ChromiumPath is the browser PDFs are printed with.
	ChromiumPath string `yaml:"chromium_path"`
}

// ReportSchedule is one scheduled report.
type ReportSchedule struct {
	Name string `yaml:"name"`
	// Period is daily (the previous calendar day) or weekly (the previous
	// Monday-to-Monday week).
	Period string `yaml:"period"`
	// Cron is a 5-field cron spec or a descriptor (@daily, @every 1h),
	// read in Timezone.
	Cron string `yaml:"cron"`
}

// DefaultReports is the daily report at 08:00 and the weekly one on
// Monday 08:00, Shanghai time, kept a year.
func DefaultReports() Reports {
	return Reports{
		Schedules: []ReportSchedule{
			{Name: "daily", Period: "daily", Cron: "0 8 * * *"},
			{Name: "weekly", Period: "weekly", Cron: "0 8 * * 1"},
		},
		Timezone:     "Asia/Shanghai",
		Retention:    "365d",
		Receivers:    []string{},
		ChromiumPath: "/usr/bin/chromium",
	}
}

var reportName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ReportCron parses report schedules.
var ReportCron = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Validate checks the reports section on its own; errors name the field
// (reports.schedules[1].cron).
func (r Reports) Validate() error {
	var errs []error
	r.validate(func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	})
	return errors.Join(errs...)
}

func (r Reports) validate(bad func(field, format string, args ...any)) {
	if _, err := r.Location(); err != nil {
		bad("reports.timezone", "%v", err)
	}
	if _, err := r.RetentionPeriod(); err != nil {
		bad("reports.retention", "%v", err)
	}
	seen := map[string]bool{}
	for i, s := range r.Schedules {
		f := fmt.Sprintf("reports.schedules[%d]", i)
		switch {
		case !reportName.MatchString(s.Name):
			bad(f+".name", "%q: want lower-case letters, digits and -", s.Name)
		case seen[s.Name]:
			bad(f+".name", "%q is used twice", s.Name)
		}
		seen[s.Name] = true
		if s.Period != "daily" && s.Period != "weekly" {
			bad(f+".period", "%q: want daily or weekly", s.Period)
		}
		if _, err := ReportCron.Parse(s.Cron); err != nil {
			bad(f+".cron", "%q: %v", s.Cron, err)
		}
	}
	if r.ConsoleURL != "" && !strings.HasPrefix(r.ConsoleURL, "http://") && !strings.HasPrefix(r.ConsoleURL, "https://") {
		bad("reports.console_url", "%q: want http:// or https://", r.ConsoleURL)
	}
}

// Location returns the Timezone ("" = Asia/Shanghai).
func (r Reports) Location() (*time.Location, error) {
	tz := r.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone like Asia/Shanghai", r.Timezone)
	}
	return l, nil
}

// RetentionPeriod returns Retention as a duration ("" = 365d, 0 = keep).
func (r Reports) RetentionPeriod() (time.Duration, error) {
	if r.Retention == "" {
		return 365 * 24 * time.Hour, nil
	}
	return ParseRetention(r.Retention)
}
