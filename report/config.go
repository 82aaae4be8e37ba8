package report

import (
	"github.com/yuqing-dev/yuqing/configs"
)

// Config is the reports section of the server config (yaml "reports"),
// defined with the rest of the config in package configs.
type Config = configs.Reports

// ScheduleConfig is one scheduled report.
type ScheduleConfig = configs.ReportSchedule

// DefaultConfig is the daily report at 08:00 and the weekly one on Monday
// 08:00, Shanghai time, kept a year.
func DefaultConfig() Config { return configs.DefaultReports() }

var cronParser = configs.ReportCron
