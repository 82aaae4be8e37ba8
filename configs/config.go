package configs

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // index.timezone must resolve on hosts without a zoneinfo database

	"github.com/yuqing-dev/yuqing/ingest"
)

// Config is the whole server configuration.
type Config struct {
	// DataDir holds the index, the embedded bus log and local state.
	DataDir string `yaml:"data_dir"`
	// Roles are the parts of the pipeline this process runs: collect,
	// analyze, index, alert, api, report. Empty means all of them (the
	// only choice in embedded mode). `serve --roles` overrides it.
	Roles    []string `yaml:"roles"`
	HTTP     HTTP     `yaml:"http"`
	Ingest   Ingest   `yaml:"ingest"`
	Bus      Bus      `yaml:"bus"`
	State    State    `yaml:"state"`
	Pipeline Pipeline `yaml:"pipeline"`
	Analysis Analysis `yaml:"analysis"`
	Index    Index    `yaml:"index"`
	// RulesDir holds the alert rules (*.yaml); a missing directory means
	// no rules.
	RulesDir string `yaml:"rules_dir"`
	// RulesReloadInterval is how often the rule files are checked for
	// changes and reloaded; 0 disables it (SIGHUP always reloads).
	RulesReloadInterval time.Duration `yaml:"rules_reload_interval"`
	// Receivers are where alerts are delivered; rules name them.
	Receivers []Receiver `yaml:"receivers"`
	// Escalation maps a severity (P1…P4) to who else is notified while an
	// alert of that severity stays unacknowledged.
	Escalation map[string]EscalationPolicy `yaml:"escalation"`
	// EscalationInterval is how often unacknowledged alerts are checked.
	EscalationInterval time.Duration `yaml:"escalation_interval"`
	// AutoResolveAfter resolves an open alert with no new evidence for
	// this long (0: never).
	AutoResolveAfter time.Duration `yaml:"auto_resolve_after"`
	// AlertsRetention is how long a resolved alert (with its evidence and
	// timeline) is kept: days (180d), weeks or a Go duration; 0 keeps
	// them forever. Open alerts are never deleted.
	AlertsRetention string `yaml:"alerts_retention"`
	// Collect is how collectors behave; Sources are the collectors.
	Collect Collect  `yaml:"collect"`
	Sources []Source `yaml:"sources"`
	// Reports schedules and keeps the trend reports.
	Reports Reports `yaml:"reports"`
	Log     Log     `yaml:"log"`
	Auth    Auth    `yaml:"auth"`
}

// Auth configures users, sessions and the audit log.
type Auth struct {
	// Enabled turns authentication on. It is on anyway whenever
	// http.listen is not a loopback address (see AuthRequired).
	Enabled bool `yaml:"enabled"`
	// SessionTTL is how long a console login lasts.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// AuditRetention is how long audit entries are kept: days (365d),
	// weeks or a Go duration; 0 keeps them forever.
	AuditRetention string `yaml:"audit_retention"`
	// RatePerMinute bounds the requests one user (any of their tokens or
	// sessions) may make a minute; over it they get 429 with Retry-After.
	// 0: no limit. Ingest clients batch, so the default leaves room.
	RatePerMinute int `yaml:"rate_per_minute"`
	// MetricsOpen serves /metrics without credentials even when auth is
	// on, for a Prometheus on a private network (the metrics hold counts
	// and timings, no collected content or personal data).
	MetricsOpen bool `yaml:"metrics_open"`
}

// AuthRequired reports whether requests must authenticate: when
// auth.enabled is set, or when http.listen is not a loopback address
// (127.0.0.0/8, ::1, localhost), since then others can reach the server.
func (c Config) AuthRequired() bool {
	return c.Auth.Enabled || !isLoopbackListen(c.HTTP.Listen)
}

func isLoopbackListen(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTP configures the API server.
type HTTP struct {
	Listen string `yaml:"listen"`
	// TLS serves HTTPS with cert_file and key_file (and, with ca_file,
	// requires client certificates signed by it).
	TLS             TLS           `yaml:"tls"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Ingest bounds what one ingest request may carry.
type Ingest struct {
	MaxTextBytes int `yaml:"max_text_bytes"`
	MaxRecords   int `yaml:"max_records"`
	// MaxBacklog is the records accepted but not yet analysed and
	// indexed above which ingest answers 503 with Retry-After (clients
	// retry later) instead of queueing more; 0 never refuses.
	MaxBacklog int64 `yaml:"max_backlog"`
}

// Limits returns the ingest limits for the parser.
func (i Ingest) Limits() ingest.Limits {
	return ingest.Limits{MaxTextBytes: i.MaxTextBytes, MaxRecords: i.MaxRecords}
}

// Bus types.
const (
	BusEmbedded = "embedded"
	BusKafka    = "kafka"
)

// Bus chooses the transport between stages.
type Bus struct {
	Type     string      `yaml:"type"`
	Topics   Topics      `yaml:"topics"`
	Embedded EmbeddedBus `yaml:"embedded"`
	Kafka    Kafka       `yaml:"kafka"`
}

// Topics names the topics.
type Topics struct {
	Raw    string `yaml:"raw"`
	Docs   string `yaml:"docs"`
	Alerts string `yaml:"alerts"`
}

// EmbeddedBus configures the local log of embedded mode.
type EmbeddedBus struct {
	// Sync fsyncs every produced batch (survives power loss, not only
	// kill -9).
	Sync         bool  `yaml:"sync"`
	SegmentBytes int64 `yaml:"segment_bytes"`
}

// Kafka configures the Kafka bus.
type Kafka struct {
	Brokers           []string      `yaml:"brokers"`
	ClientID          string        `yaml:"client_id"`
	Partitions        int           `yaml:"partitions"`
	ReplicationFactor int           `yaml:"replication_factor"`
	BatchTimeout      time.Duration `yaml:"batch_timeout"`
	GroupPrefix       string        `yaml:"group_prefix"`
	// TLS and SASL secure the connections to the brokers.
	TLS  TLS       `yaml:"tls"`
	SASL KafkaSASL `yaml:"sasl"`
}

// State types.
const (
	StateLocal = "local"
	StateRedis = "redis"
)

// State chooses where shared state lives.
type State struct {
	Type  string `yaml:"type"`
	Redis Redis  `yaml:"redis"`
}

// Redis configures the Redis state store.
type Redis struct {
	Addr      string `yaml:"addr"`
	Username  string `yaml:"username"`
	Password  string `yaml:"password"`
	DB        int    `yaml:"db"`
	KeyPrefix string `yaml:"key_prefix"`
	// TLS secures the connection to Redis (rediss://).
	TLS TLS `yaml:"tls"`
}

// Pipeline tunes the stages.
type Pipeline struct {
	// BatchSize bounds the records a stage handles at once.
	BatchSize int `yaml:"batch_size"`
	// BatchWait is how long a stage waits to fill a batch after its first
	// record arrived.
	BatchWait time.Duration `yaml:"batch_wait"`
}

// Analysis configures the analysis stage.
type Analysis struct {
	// BuiltinDict loads the starter dictionary shipped in configs/dict
	// (embedded in the binary).
	BuiltinDict bool `yaml:"builtin_dict"`
	// Dicts are glob patterns of user dictionary files (`word [freq [pos]]`
	// per line), loaded on top of gse's dictionary.
	Dicts []string `yaml:"dicts"`
	// DictReloadInterval is how often the dictionary files are checked for
	// changes and reloaded; 0 disables it (SIGHUP always reloads).
	DictReloadInterval time.Duration `yaml:"dict_reload_interval"`
	// Model is a model file written by `yuqing train`, combined with the
	// default rules; empty means the default rules only.
	Model   string  `yaml:"model"`
	Cluster Cluster `yaml:"cluster"`
}

// Cluster configures near-duplicate clustering.
type Cluster struct {
	// MaxDistance is the SimHash Hamming distance within which two docs
	// are the same text (0..10).
	MaxDistance int `yaml:"max_distance"`
	// Window is how long a cluster keeps accepting reposts.
	Window time.Duration `yaml:"window"`
}

// Index partition periods.
const (
	PartitionDay   = "day"
	PartitionWeek  = "week"
	PartitionMonth = "month"
)

// Index configures the full-text index: one bleve index per period of
// published_at, so that a search opens only the periods it asks for and
// retention drops whole periods.
type Index struct {
	// Partition is the period one bleve index holds: day, week (ISO,
	// Monday first) or month.
	Partition string `yaml:"partition"`
	// Timezone is the IANA zone whose midnights bound the periods, so that
	// a day partition is the analysts' day. It cannot change once the
	// index holds partitions.
	Timezone string `yaml:"timezone"`
	// Retention is how long documents are kept, by published_at: a
	// partition is dropped once its whole period is older than this, and
	// documents already that old are not indexed. Days (180d), weeks (26w)
	// or a Go duration (4320h); 0 keeps everything.
	Retention string `yaml:"retention"`
	// RetentionSchedule is the cron schedule (5 fields or @hourly,
	// @daily, @every 30m; in Timezone) on which expired partitions are
	// dropped; they are also dropped at start.
	RetentionSchedule string `yaml:"retention_schedule"`
	// MinFreeBytes is the room the index keeps on its disk: below it the
	// index stage stops (and retries) instead of letting a write fail half
	// way, ingest then answers 503 once the backlog passes
	// ingest.max_backlog, and /readyz says why. 0 disables the check.
	MinFreeBytes int64 `yaml:"min_free_bytes"`
	// RemoteURL is the HTTP address of the process running the index
	// role (http://yuqing-index:8080). A process that serves the API
	// without the index role searches through it.
	RemoteURL string `yaml:"remote_url"`
}

// Location returns the time zone of Timezone (valid after Validate).
func (i Index) Location() (*time.Location, error) {
	if i.Timezone == "" || i.Timezone == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone like Asia/Shanghai", i.Timezone)
	}
	loc, err := time.LoadLocation(i.Timezone)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone like Asia/Shanghai", i.Timezone)
	}
	return loc, nil
}

// RetentionPeriod returns Retention as a duration (valid after Validate).
func (i Index) RetentionPeriod() (time.Duration, error) {
	return ParseRetention(i.Retention)
}

// maxRetentionDays bounds d/w retentions so that they fit a Duration.
const maxRetentionDays = 100 * 365

// ParseRetention parses a retention: "0", whole days ("180d") or weeks
// ("26w"), or a non-negative Go duration ("4320h").
func ParseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration like 180d, 26w or 4320h", s)
	if n, unit, ok := cutUnit(s); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, bad
		}
		if unit == 'w' {
			days *= 7
		}
		if days > maxRetentionDays {
			return 0, fmt.Errorf("%q is more than 100 years", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

// cutUnit splits "180d" into "180" and 'd' (likewise w).
func cutUnit(s string) (string, byte, bool) {
	if len(s) < 2 {
		return "", 0, false
	}
	switch u := s[len(s)-1]; u {
	case 'd', 'w':
		return s[:len(s)-1], u, true
	}
	return "", 0, false
}

// Receiver types: a webhook with the Alertmanager-style JSON body, or a
// chat tool's group bot (a webhook with that tool's message body).
const (
	ReceiverWebhook  = "webhook"
	ReceiverDingTalk = "dingtalk"
	ReceiverWeCom    = "wecom"
	ReceiverFeishu   = "feishu"
	ReceiverEmail    = "email"
)

// Receiver is a named alert destination.
type Receiver struct {
	Name    string            `yaml:"name"`
	Type    string            `yaml:"type"`
	URL     string            `yaml:"url"`
	Timeout time.Duration     `yaml:"timeout"`
	Headers map[string]string `yaml:"headers"`
	// Template is the message text of chat and e-mail receivers (Go
	// text/template over the alert); empty means the built-in one.
	Template string `yaml:"template"`
	// RatePerMinute caps the notifications sent to this receiver per
	// minute (per server process); 0 means no cap. Chat bots limit senders
	// (DingTalk: 20 a minute), so set it for them.
	RatePerMinute int `yaml:"rate_per_minute"`
	// E-mail receivers: the SMTP server (host:port), sender, recipients
	// and optional PLAIN credentials (only over TLS or to localhost).
	SMTP     string   `yaml:"smtp"`
	From     string   `yaml:"from"`
	To       []string `yaml:"to"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
}

// EscalationPolicy is a chain: step i notifies its receivers when the
// alert is still firing (not acknowledged or resolved) After its creation;
// then the last step repeats every RepeatEvery, Repeat more times.
type EscalationPolicy struct {
	Steps       []EscalationStep `yaml:"steps"`
	Repeat      int              `yaml:"repeat"`
	RepeatEvery time.Duration    `yaml:"repeat_every"`
}

// EscalationStep is one link of a chain.
type EscalationStep struct {
	After     time.Duration `yaml:"after"`
	Receivers []string      `yaml:"receivers"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Roles.
const (
	RoleCollect = "collect"
	RoleAnalyze = "analyze"
	RoleIndex   = "index"
	RoleAlert   = "alert"
	RoleAPI     = "api"
	RoleReport  = "report"
)

// AllRoles are the roles in pipeline order.
var AllRoles = []string{RoleCollect, RoleAnalyze, RoleIndex, RoleAlert, RoleAPI, RoleReport}

// Runs reports whether this process runs role.
func (c Config) Runs(role string) bool {
	return len(c.Roles) == 0 || slices.Contains(c.Roles, role)
}

// ParseRoles parses a comma-separated role list ("analyze,index").
func ParseRoles(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Default returns the embedded single-machine configuration.
func Default() Config {
	lim := ingest.DefaultLimits()
	return Config{
		DataDir: "./data",
		HTTP:    HTTP{Listen: "127.0.0.1:8080", MaxBodyBytes: 32 << 20, ShutdownTimeout: 30 * time.Second},
		Ingest:  Ingest{MaxTextBytes: lim.MaxTextBytes, MaxRecords: lim.MaxRecords, MaxBacklog: 500000},
		Bus: Bus{
			Type:     BusEmbedded,
			Topics:   Topics{Raw: "yuqing.raw", Docs: "yuqing.docs", Alerts: "yuqing.alerts"},
			Embedded: EmbeddedBus{Sync: true, SegmentBytes: 64 << 20},
			Kafka: Kafka{ClientID: "yuqing", Partitions: 6, ReplicationFactor: 1,
				BatchTimeout: 2 * time.Millisecond, GroupPrefix: "yuqing"},
		},
		State:    State{Type: StateLocal, Redis: Redis{KeyPrefix: "yuqing:"}},
		Pipeline: Pipeline{BatchSize: 500, BatchWait: 20 * time.Millisecond},
		Analysis: Analysis{BuiltinDict: true, Dicts: []string{}, DictReloadInterval: 30 * time.Second,
			Cluster: Cluster{MaxDistance: 3, Window: 72 * time.Hour}},
		Index: Index{Partition: PartitionDay, Timezone: "Asia/Shanghai", Retention: "0",
			RetentionSchedule: "@hourly", MinFreeBytes: 256 << 20},
		RulesDir:            "configs/rules",
		RulesReloadInterval: 10 * time.Second,
		Receivers:           []Receiver{},
		Escalation:          map[string]EscalationPolicy{},
		EscalationInterval:  5 * time.Second,
		AutoResolveAfter:    24 * time.Hour,
		AlertsRetention:     "180d",
		Collect: Collect{UserAgent: "yuqing/1 (public-opinion monitor)", Robots: true,
			Timeout: 20 * time.Second, MaxBodyBytes: 10 << 20, MaxRedirects: 5,
			PerHostRate: 1, PerHostConcurrency: 2, DedupWindow: 72 * time.Hour, LeaseTTL: 30 * time.Second,
			BackoffInitial: 10 * time.Second, BackoffMax: 30 * time.Minute},
		Sources: []Source{},
		Reports: DefaultReports(),
		Log:     Log{Level: "info", Format: "text"},
		Auth:    Auth{SessionTTL: 12 * time.Hour, AuditRetention: "365d", RatePerMinute: 1200},
	}
}
