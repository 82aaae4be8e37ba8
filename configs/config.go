package configs

import (
	"time"

	"github.com/yuqing-dev/yuqing/ingest"
)

// Config is the whole server configuration.
type Config struct {
	// DataDir holds the index, the embedded bus log and local state.
	DataDir  string   `yaml:"data_dir"`
	HTTP     HTTP     `yaml:"http"`
	Ingest   Ingest   `yaml:"ingest"`
	Bus      Bus      `yaml:"bus"`
	State    State    `yaml:"state"`
	Pipeline Pipeline `yaml:"pipeline"`
	Analysis Analysis `yaml:"analysis"`
	Log      Log      `yaml:"log"`
}

// HTTP configures the API server.
type HTTP struct {
	Listen          string        `yaml:"listen"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Ingest bounds what one ingest request may carry.
type Ingest struct {
	MaxTextBytes int `yaml:"max_text_bytes"`
	MaxRecords   int `yaml:"max_records"`
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

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Default returns the embedded single-machine configuration.
func Default() Config {
	lim := ingest.DefaultLimits()
	return Config{
		DataDir: "./data",
		HTTP:    HTTP{Listen: "127.0.0.1:8080", MaxBodyBytes: 32 << 20, ShutdownTimeout: 30 * time.Second},
		Ingest:  Ingest{MaxTextBytes: lim.MaxTextBytes, MaxRecords: lim.MaxRecords},
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
		Log: Log{Level: "info", Format: "text"},
	}
}
