package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Load reads the config at path over the defaults and validates it. An
// empty path yields the validated defaults.
func Load(path string) (Config, error) {
	if path == "" {
		cfg := Default()
		return cfg, cfg.Validate()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes YAML over the defaults, refusing unknown keys, and
// validates the result.
func Parse(data []byte) (Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, yamlError(err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("config holds more than one YAML document")
	}
	return cfg, cfg.Validate()
}

// yamlError turns yaml.v3's errors into one line per problem, each naming
// its line, without the library's preamble.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			m = strings.Replace(m, "field ", "unknown key ", 1)
			msgs[i] = strings.Replace(m, " not found in type configs.", " in section ", 1)
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
}

// Validate checks the whole config and reports every problem, each named
// by its field path.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if c.DataDir == "" {
		bad("data_dir", "must be set")
	}
	for _, r := range c.Roles {
		if !slices.Contains(AllRoles, r) {
			bad("roles", "%q is not a role (%s)", r, strings.Join(AllRoles, ", "))
		}
	}
	if split := len(c.Roles) > 0 && !allRoles(c); split && (c.Bus.Type != BusKafka || c.State.Type != StateRedis) {
		bad("roles", "running some of the roles (%s) needs bus.type kafka and state.type redis: the other processes share them; embedded mode runs every role in one process", strings.Join(c.Roles, ","))
	}
	if c.Runs(RoleReport) && !c.Runs(RoleIndex) {
		bad("roles", "the report role reads the index directly: run it in the process with the index role (roles: [index, report])")
	}
	if c.Runs(RoleAPI) && !c.Runs(RoleIndex) {
		if u, err := url.Parse(c.Index.RemoteURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("index.remote_url", "%q is not an http(s) URL; a process with the api role and without the index role searches through the index role at this URL", c.Index.RemoteURL)
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		bad("http.listen", "%q is not host:port", c.HTTP.Listen)
	}
	c.HTTP.TLS.validate("http.tls", true, bad)
	c.Bus.Kafka.TLS.validate("bus.kafka.tls", false, bad)
	c.Bus.Kafka.SASL.validate(bad)
	c.State.Redis.TLS.validate("state.redis.tls", false, bad)
	if c.HTTP.MaxBodyBytes <= 0 {
		bad("http.max_body_bytes", "must be positive")
	}
	if c.Ingest.MaxTextBytes <= 0 {
		bad("ingest.max_text_bytes", "must be positive")
	}
	if c.Ingest.MaxRecords <= 0 {
		bad("ingest.max_records", "must be positive")
	}
	if c.Ingest.MaxBacklog < 0 {
		bad("ingest.max_backlog", "must not be negative")
	}
	switch c.Bus.Type {
	case BusEmbedded:
	case BusKafka:
		if len(c.Bus.Kafka.Brokers) == 0 {
			bad("bus.kafka.brokers", "at least one broker is needed when bus.type is kafka")
		}
		if c.Bus.Kafka.Partitions <= 0 {
			bad("bus.kafka.partitions", "must be positive")
		}
		if c.Bus.Kafka.ReplicationFactor <= 0 {
			bad("bus.kafka.replication_factor", "must be positive")
		}
	default:
		bad("bus.type", "%q is not embedded or kafka", c.Bus.Type)
	}
	t := c.Bus.Topics
	if t.Raw == "" || t.Docs == "" || t.Alerts == "" || t.Raw == t.Docs {
		bad("bus.topics", "raw, docs and alerts must be set and distinct")
	}
	switch c.State.Type {
	case StateLocal:
	case StateRedis:
		if c.State.Redis.Addr == "" {
			bad("state.redis.addr", "must be set when state.type is redis")
		}
	default:
		bad("state.type", "%q is not local or redis", c.State.Type)
	}
	if c.Pipeline.BatchSize <= 0 {
		bad("pipeline.batch_size", "must be positive")
	}
	if c.Pipeline.BatchWait < 0 {
		bad("pipeline.batch_wait", "must not be negative")
	}
	for i, g := range c.Analysis.Dicts {
		if _, err := filepath.Match(g, ""); err != nil {
			bad(fmt.Sprintf("analysis.dicts[%d]", i), "%q is not a valid glob pattern", g)
		}
	}
	if c.Analysis.DictReloadInterval < 0 {
		bad("analysis.dict_reload_interval", "must not be negative")
	}
	if d := c.Analysis.Cluster.MaxDistance; d < 0 || d > 10 {
		bad("analysis.cluster.max_distance", "%d is not between 0 and 10", d)
	}
	if c.Analysis.Cluster.Window <= 0 {
		bad("analysis.cluster.window", "must be positive")
	}
	c.Index.validate(bad)
	if c.RulesReloadInterval < 0 {
		bad("rules_reload_interval", "must not be negative")
	}
	seen := map[string]bool{}
	for i, r := range c.Receivers {
		f := fmt.Sprintf("receivers[%d]", i)
		switch {
		case r.Name == "":
			bad(f+".name", "must be set")
		case seen[r.Name]:
			bad(f+".name", "%q is used by another receiver", r.Name)
		}
		seen[r.Name] = true
		switch r.Type {
		case ReceiverEmail:
			if _, _, err := net.SplitHostPort(r.SMTP); err != nil {
				bad(f+".smtp", "%q is not host:port", r.SMTP)
			}
			if !strings.Contains(r.From, "@") {
				bad(f+".from", "%q is not an e-mail address", r.From)
			}
			if len(r.To) == 0 {
				bad(f+".to", "at least one recipient is needed")
			}
		case ReceiverWebhook, ReceiverDingTalk, ReceiverWeCom, ReceiverFeishu:
			if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(f+".url", "%q is not an http(s) URL", r.URL)
			}
		default:
			bad(f+".type", "%q is not a receiver type this version delivers to (webhook, dingtalk, wecom, feishu, email)", r.Type)
		}
		if r.Template != "" {
			if _, err := template.New("").Parse(r.Template); err != nil {
				bad(f+".template", "%v", err)
			}
		}
		if r.Timeout < 0 {
			bad(f+".timeout", "must not be negative")
		}
		if r.RatePerMinute < 0 {
			bad(f+".rate_per_minute", "must not be negative")
		}
	}
	validateSources(c.Collect, c.Sources, bad)
	c.Reports.validate(bad)
	if _, err := ParseRetention(c.AlertsRetention); err != nil {
		bad("alerts_retention", "%v", err)
	}
	if c.Auth.RatePerMinute < 0 {
		bad("auth.rate_per_minute", "must not be negative")
	}
	if c.AutoResolveAfter < 0 {
		bad("auto_resolve_after", "must not be negative")
	}
	if c.EscalationInterval <= 0 {
		bad("escalation_interval", "must be positive")
	}
	for sev, pol := range c.Escalation {
		f := "escalation." + sev
		switch sev {
		case "P1", "P2", "P3", "P4":
		default:
			bad(f, "%q is not a severity P1…P4", sev)
		}
		if len(pol.Steps) == 0 {
			bad(f+".steps", "at least one step is needed")
		}
		for i, st := range pol.Steps {
			if i > 0 && st.After <= pol.Steps[i-1].After {
				bad(fmt.Sprintf("%s.steps[%d].after", f, i), "must be later than the step before")
			}
			if st.After <= 0 {
				bad(fmt.Sprintf("%s.steps[%d].after", f, i), "must be positive (the rule's own receivers are notified at once)")
			}
			if len(st.Receivers) == 0 {
				bad(fmt.Sprintf("%s.steps[%d].receivers", f, i), "at least one receiver is needed")
			}
			for _, r := range st.Receivers {
				if !seen[r] {
					bad(fmt.Sprintf("%s.steps[%d].receivers", f, i), "no receiver named %q", r)
				}
			}
		}
		if pol.Repeat < 0 || pol.Repeat > 0 && pol.RepeatEvery <= 0 {
			bad(f+".repeat", "repeat must not be negative, and needs a positive repeat_every")
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	if c.Auth.SessionTTL <= 0 {
		bad("auth.session_ttl", "must be positive")
	}
	if _, err := ParseRetention(c.Auth.AuditRetention); err != nil {
		bad("auth.audit_retention", "%v", err)
	}
	return errors.Join(errs...)
}

func (i Index) validate(bad func(field, format string, args ...any)) {
	if i.MinFreeBytes < 0 {
		bad("index.min_free_bytes", "must not be negative")
	}
	switch i.Partition {
	case PartitionDay, PartitionWeek, PartitionMonth:
	default:
		bad("index.partition", "%q is not day, week or month", i.Partition)
	}
	if _, err := i.Location(); err != nil {
		bad("index.timezone", "%v", err)
	}
	if _, err := i.RetentionPeriod(); err != nil {
		bad("index.retention", "%v", err)
	}
	if _, err := cron.ParseStandard(i.RetentionSchedule); err != nil {
		bad("index.retention_schedule", "%q is not a cron schedule like @hourly or \"0 3 * * *\" (%v)", i.RetentionSchedule, err)
	}
}

// allRoles reports whether c runs every role.
func allRoles(c Config) bool {
	for _, r := range AllRoles {
		if !c.Runs(r) {
			return false
		}
	}
	return true
}
