package configs

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/analysis"
)

func TestShippedConfigsAreValid(t *testing.T) {
	for _, f := range []string{"yuqing.yaml", "distributed.yaml"} {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// yuqing.yaml documents the defaults: it must say exactly what
	// Default says.
	cfg, err := Load("yuqing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("configs/yuqing.yaml differs from Default():\n%+v\n%+v", cfg, Default())
	}
	d, err := Load("distributed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d.Bus.Type != BusKafka || d.State.Type != StateRedis {
		t.Errorf("distributed.yaml: bus %s state %s", d.Bus.Type, d.State.Type)
	}
}

func TestParseRetention(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"0d", 0, true},
		{"180d", 180 * day, true},
		{"26w", 26 * 7 * day, true},
		{"4320h", 4320 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{" 7d ", 7 * day, true},
		{"7x", 0, false},
		{"", 0, false},
		{"d", 0, false},
		{"-1d", 0, false},
		{"-5h", 0, false},
		{"1.5d", 0, false},
		{"180", 0, false},
		{"99999999999d", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseRetention(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRetention(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestIndexTimezone(t *testing.T) {
	for _, tz := range []string{"", "Local", "Nowhere/Else"} {
		i := Default().Index
		i.Timezone = tz
		if _, err := i.Location(); err == nil {
			t.Errorf("timezone %q accepted", tz)
		}
	}
	loc, err := Default().Index.Location()
	if err != nil || loc.String() != "Asia/Shanghai" {
		t.Fatalf("default timezone: %v %v", loc, err)
	}
}

func TestGoodFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.good.yaml")
	if len(files) == 0 {
		t.Fatal("no good fixtures")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestBadFixturesNameTheProblem(t *testing.T) {
	want := map[string][]string{
		"unknown-key.bad.yaml":      {"testdata/unknown-key.bad.yaml", "line 3", "unknown key lisen", "section HTTP"},
		"kafka-no-brokers.bad.yaml": {"bus.kafka.brokers"},
		"bad-types.bad.yaml":        {`bus.type: "rabbitmq"`, `state.type: "etcd"`, "pipeline.batch_size"},
		"bad-duration.bad.yaml":     {"line 2", "soon"},
		"index.bad.yaml": {`index.partition: "year"`, `index.timezone: "Mars/Olympus_Mons"`,
			`index.retention: "7x" is not a duration like 180d`, `index.retention_schedule: "every hour"`},
	}
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) != len(want) {
		t.Fatalf("%d bad fixtures, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		_, err := Load(f)
		if err == nil {
			t.Errorf("%s: accepted", f)
			continue
		}
		for _, s := range want[filepath.Base(f)] {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", f, err, s)
			}
		}
	}
}

func TestLoadMissingFileNamesIt(t *testing.T) {
	_, err := Load("testdata/nope.yaml")
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyFileIsDefaults(t *testing.T) {
	p := filepath.Join(t.TempDir(), "empty.yaml")
	os.WriteFile(p, nil, 0o600)
	cfg, err := Load(p)
	if err != nil || !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("empty config: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, g := range []string{"yuqing.yaml", "distributed.yaml", "testdata/unknown-key.bad.yaml", "testdata/bad-types.bad.yaml"} {
		data, _ := os.ReadFile(g)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		if err == nil {
			// Whatever parses must be valid.
			if verr := cfg.Validate(); verr != nil {
				t.Fatalf("Parse accepted an invalid config: %v", verr)
			}
		}
	})
}

func TestReadDicts(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("乙词 10\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("甲词 10\n"), 0o644)
	a := Default().Analysis
	a.Dicts = []string{filepath.Join(dir, "*.txt"), filepath.Join(dir, "none-*.txt")}
	got, err := a.ReadDicts()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.Name)
	}
	want := []string{"builtin:dict/public_safety.txt", filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")}
	if !slices.Equal(names, want) {
		t.Fatalf("dicts %v, want %v", names, want)
	}
	if !strings.Contains(string(got[0].Data), "安全账户") {
		t.Fatalf("built-in dictionary lacks 安全账户")
	}
	a.BuiltinDict = false
	a.Dicts = []string{"[bad"}
	if _, err := a.ReadDicts(); err == nil {
		t.Fatal("bad glob accepted")
	}
}

// TestBuiltinDictParses keeps the shipped starter dictionary loadable.
func TestBuiltinDictParses(t *testing.T) {
	srcs, err := Default().Analysis.ReadDicts()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		es, err := analysis.ParseDict(analysis.DictFile{Name: s.Name, Data: s.Data})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) < 100 {
			t.Errorf("%s: only %d words", s.Name, len(es))
		}
	}
}

// The commented example of every source type in yuqing.yaml must parse and
// validate as written once uncommented.
func TestSourceExamplesInYuqingYAMLParse(t *testing.T) {
	data, err := os.ReadFile("yuqing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var example []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "#   sources:"):
			in = true
		case in && strings.HasPrefix(line, "#   "):
		default:
			in = false
		}
		if in {
			example = append(example, strings.TrimPrefix(line, "#   "))
		}
	}
	if len(example) < 10 {
		t.Fatalf("no sources example found in yuqing.yaml (%d lines)", len(example))
	}
	cfg, err := Parse([]byte(strings.Join(example, "\n")))
	if err != nil {
		t.Fatalf("the sources example does not load: %v\n%s", err, strings.Join(example, "\n"))
	}
	types := map[string]bool{}
	for _, s := range cfg.Sources {
		types[s.Type] = true
	}
	for _, typ := range []string{SourceRSS, SourceWeb, SourceHTTPPush, SourceFile, SourceKafka} {
		if !types[typ] {
			t.Errorf("yuqing.yaml has no example of a %s source", typ)
		}
	}
}

func TestSourceConfigErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"sources:\n  - {name: a, type: rss, url: 'ftp://x', interval: 30s}", `sources[0].url: "ftp://x" is not an http(s) URL`},
		{"sources:\n  - {name: a, type: rss, url: 'http://x/feed', path: /tmp, interval: 30s}", "sources[0].path: is not used by a source of type rss"},
		{"sources:\n  - {name: a, type: file, path: /tmp}", "sources[0].interval: must be at least 1s (or set schedule)"},
		{"sources:\n  - {name: a, type: file, path: /tmp, schedule: 'every day'}", "sources[0].schedule:"},
		{"sources:\n  - {name: a, type: http_push}", "sources[0].token: a push source needs token or token_env"},
		{"sources:\n  - {name: a, type: kafka, topic: t}", "sources[0].brokers: at least one broker is needed"},
		{"sources:\n  - {name: a, type: web, url: 'http://x/', interval: 1m}", "sources[0].selectors: must be set"},
		{"sources:\n  - {name: A B, type: rss, url: 'http://x/', interval: 1m}", "sources[0].name:"},
		{"sources:\n  - {name: a, type: ftp}", `sources[0].type: "ftp" is not a source type`},
		{"sources:\n  - {name: a, type: http_push, token: x, interval: 1m}", "sources[0].interval: is not used by a source of type http_push"},
		{"sources:\n  - {name: a, type: rss, url: 'http://x/', interval: 1m, colour: red}", "unknown key colour"},
		{"sources:\n  - {name: a, type: http_push, token: x}\n  - {name: a, type: http_push, token: y}", `sources[1].name: "a" is used by another source`},
	} {
		_, err := Parse([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\n  error %v\n  want %q", tc.yaml, err, tc.want)
		}
	}
}

func TestRolesValidation(t *testing.T) {
	dist, err := Load("distributed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" = valid
	}{
		{"all roles embedded", func(c *Config) { *c = Default(); c.Roles = AllRoles }, ""},
		{"split embedded", func(c *Config) { *c = Default(); c.Roles = []string{RoleAnalyze} }, "needs bus.type kafka and state.type redis"},
		{"unknown role", func(c *Config) { c.Roles = []string{"indexer"} }, `"indexer" is not a role`},
		{"analyze only", func(c *Config) { c.Roles = []string{RoleAnalyze} }, ""},
		{"api without index nor remote", func(c *Config) { c.Roles = []string{RoleAPI} }, "index.remote_url"},
		{"api with remote", func(c *Config) {
			c.Roles = []string{RoleAPI, RoleCollect}
			c.Index.RemoteURL = "http://yuqing-index:8080"
		}, ""},
		{"split on local state", func(c *Config) { c.Roles = []string{RoleIndex}; c.State.Type = StateLocal }, "needs bus.type kafka and state.type redis"},
	} {
		c := dist
		c.Roles = nil
		tc.edit(&c)
		err := c.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if got := ParseRoles(" analyze, index,,"); !slices.Equal(got, []string{"analyze", "index"}) {
		t.Errorf("ParseRoles %q", got)
	}
}

func TestTLSAndSASLValidation(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"http: {listen: '127.0.0.1:8443', tls: {enabled: true}}", "http.tls: a TLS server needs cert_file and key_file"},
		{"http: {listen: '127.0.0.1:8443', tls: {enabled: true, cert_file: /nonexistent.pem, key_file: /nonexistent-key.pem}}", "http.tls: open /nonexistent.pem"},
		{"http: {listen: '127.0.0.1:8443', tls: {cert_file: /x.pem}}", "http.tls.enabled: set enabled: true"},
		{"state: {type: redis, redis: {addr: 'r:6379', tls: {enabled: true, ca_file: /nonexistent-ca.pem}}}", "state.redis.tls:"},
		{"bus: {type: kafka, kafka: {brokers: [k:9092], sasl: {mechanism: GSSAPI}}}", `bus.kafka.sasl.mechanism: "GSSAPI"`},
		{"bus: {type: kafka, kafka: {brokers: [k:9092], sasl: {mechanism: PLAIN}}}", "bus.kafka.sasl.username: must be set"},
		{"bus: {type: kafka, kafka: {brokers: [k:9092], sasl: {username: u}}}", "bus.kafka.sasl.mechanism: set a mechanism"},
	} {
		_, err := Parse([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\n  error %v\n  want %q", tc.yaml, err, tc.want)
		}
	}
	ok := "bus: {type: kafka, kafka: {brokers: [k:9092], tls: {enabled: true}, sasl: {mechanism: SCRAM-SHA-512, username: u, password_env: P}}}\nstate: {type: redis, redis: {addr: 'r:6379', tls: {enabled: true}}}"
	if _, err := Parse([]byte(ok)); err != nil {
		t.Errorf("valid TLS + SASL config: %v", err)
	}
}
