package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Config is the reports section of the server config (yaml "reports").
type Config struct {
	// Schedules generate reports on cron schedules.
	Schedules []ScheduleConfig `yaml:"schedules"`
	// Timezone is where days and weeks start and schedules run
	// (default Asia/Shanghai).
	Timezone string `yaml:"timezone"`
	// Retention is how long archived reports are kept: "0" (forever), whole
	// days ("365d") or weeks ("52w"). Default 365d.
	Retention string `yaml:"retention"`
	// Receivers are the alerting receivers (by name) scheduled reports are
	// delivered to.
	Receivers []string `yaml:"receivers"`
	// ConsoleURL prefixes the links in reports (e.g. https://yuqing.example);
	// empty gives links relative to the console.
	ConsoleURL string `yaml:"console_url"`
	// ChromiumPath is the browser PDFs are printed with (default /usr/bin/chromium).
	ChromiumPath string `yaml:"chromium_path"`
}

// ScheduleConfig is one scheduled report.
type ScheduleConfig struct {
	Name   string `yaml:"name"`
	Period Kind   `yaml:"period"` // daily or weekly
	// Cron is a 5-field cron spec or a descriptor (@daily, @every 1h),
	// read in Timezone.
	Cron string `yaml:"cron"`
}

// DefaultConfig is the daily report at 08:00 and the weekly one on Monday
// 08:00, Shanghai time, kept a year.
func DefaultConfig() Config {
	return Config{
		Schedules: []ScheduleConfig{
			{Name: "daily", Period: Daily, Cron: "0 8 * * *"},
			{Name: "weekly", Period: Weekly, Cron: "0 8 * * 1"},
		},
		Timezone:     "Asia/Shanghai",
		Retention:    "365d",
		ChromiumPath: DefaultChromium,
	}
}

// Validate checks c; errors name the field (reports.schedules[1].cron).
func (c Config) Validate() error {
	if _, err := c.Location(); err != nil {
		return err
	}
	if _, err := c.RetentionPeriod(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, s := range c.Schedules {
		f := fmt.Sprintf("reports.schedules[%d]", i)
		if !validID.MatchString(s.Name) {
			return fmt.Errorf("%w: %s.name %q: want lower-case letters, digits and -", ErrInvalid, f, s.Name)
		}
		if seen[s.Name] {
			return fmt.Errorf("%w: %s.name %q is used twice", ErrInvalid, f, s.Name)
		}
		seen[s.Name] = true
		if s.Period != Daily && s.Period != Weekly {
			return fmt.Errorf("%w: %s.period %q: want daily or weekly", ErrInvalid, f, s.Period)
		}
		if _, err := cronParser.Parse(s.Cron); err != nil {
			return fmt.Errorf("%w: %s.cron %q: %v", ErrInvalid, f, s.Cron, err)
		}
	}
	if c.ConsoleURL != "" && !strings.HasPrefix(c.ConsoleURL, "http://") && !strings.HasPrefix(c.ConsoleURL, "https://") {
		return fmt.Errorf("%w: reports.console_url %q: want http:// or https://", ErrInvalid, c.ConsoleURL)
	}
	return nil
}

// Location returns the Timezone ("" = Asia/Shanghai).
func (c Config) Location() (*time.Location, error) {
	if c.Timezone == "" {
		return DefaultLocation(), nil
	}
	l, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("%w: reports.timezone %q: %v", ErrInvalid, c.Timezone, err)
	}
	return l, nil
}

// RetentionPeriod returns Retention as a duration ("" = 365d, "0" = keep).
func (c Config) RetentionPeriod() (time.Duration, error) {
	s := c.Retention
	if s == "" {
		s = "365d"
	}
	if s == "0" {
		return 0, nil
	}
	unit := map[byte]int{'d': 1, 'w': 7}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if unit == 0 || err != nil || n <= 0 || n*unit > 100*365 {
		return 0, fmt.Errorf("%w: reports.retention %q: want 0, days (365d) or weeks (52w), at most 100 years", ErrInvalid, c.Retention)
	}
	return time.Duration(n*unit) * 24 * time.Hour, nil
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
