// Package deployments_test checks the deployment files without Docker or a
// cluster: every YAML parses, every process's --roles passes the config
// validation with the config it mounts, the Kubernetes objects carry
// probes, resources and a non-root security context, and the Grafana
// dashboard only queries metrics the Go sources define.
package deployments_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing-dev/yuqing/configs"
)

// containerConfig is where the compose and k8s files mount yuqing.yaml.
const containerConfig = "/etc/yuqing/yuqing.yaml"

func TestEveryYAMLParses(t *testing.T) {
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".yml" && ext != ".yaml" {
			return nil
		}
		n++
		if _, err := yamlDocs(path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 8 {
		t.Errorf("found %d YAML files under deployments/, want the compose, config, prometheus, systemd and k8s files", n)
	}
}

// yamlDocs decodes every document of a (possibly multi-document) file.
func yamlDocs(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
}

// serveArgs returns the --config and --roles values of a `serve` command
// line (both "--flag value" and "--flag=value").
func serveArgs(args []string) (config, roles string, ok bool) {
	if !slices.Contains(args, "serve") {
		return "", "", false
	}
	for i, a := range args {
		for _, f := range []string{"--config", "--roles"} {
			var v string
			switch {
			case a == f && i+1 < len(args):
				v = args[i+1]
			case strings.HasPrefix(a, f+"="):
				v = strings.TrimPrefix(a, f+"=")
			default:
				continue
			}
			if f == "--config" {
				config = v
			} else {
				roles = v
			}
		}
	}
	return config, roles, true
}

// checkRoles loads deployments/yuqing.yaml, applies roles as --roles does,
// and validates the result.
func checkRoles(t *testing.T, where, roles string) []string {
	t.Helper()
	cfg, err := configs.Load("yuqing.yaml")
	if err != nil {
		t.Fatalf("deployments/yuqing.yaml: %v", err)
	}
	cfg.Roles = configs.ParseRoles(roles)
	if len(cfg.Roles) == 0 {
		t.Errorf("%s: no --roles: every process of a split deployment names its roles", where)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("%s: deployments/yuqing.yaml with --roles %q: %v", where, roles, err)
	}
	return cfg.Roles
}

func TestDeployedConfig(t *testing.T) {
	cfg, err := configs.Load("yuqing.yaml")
	if err != nil {
		t.Fatalf("deployments/yuqing.yaml: %v", err)
	}
	if cfg.Bus.Type != configs.BusKafka || cfg.State.Type != configs.StateRedis {
		t.Errorf("bus %s, state %s; the split deployments need kafka and redis", cfg.Bus.Type, cfg.State.Type)
	}
	if cfg.HTTP.Listen != "0.0.0.0:8080" {
		t.Errorf("http.listen = %q; containers must listen on all interfaces, port 8080", cfg.HTTP.Listen)
	}
	if cfg.DataDir != "/var/lib/yuqing" || cfg.RulesDir != "/etc/yuqing/rules" {
		t.Errorf("data_dir %q, rules_dir %q; the image and manifests mount /var/lib/yuqing and /etc/yuqing/rules", cfg.DataDir, cfg.RulesDir)
	}
	if cfg.Index.RemoteURL != "http://yuqing-index:8080" {
		t.Errorf("index.remote_url = %q; the index service is yuqing-index:8080", cfg.Index.RemoteURL)
	}
}

// composeFile is the part of docker-compose.yml the tests read.
type composeFile struct {
	Services map[string]struct {
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
		Ports   []string `yaml:"ports"`
		Volumes []string `yaml:"volumes"`
		Deploy  struct {
			Replicas *int `yaml:"replicas"`
		} `yaml:"deploy"`
	} `yaml:"services"`
}

func TestComposeRoles(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	covered := map[string]bool{}
	var yuqing []string
	for name, s := range c.Services {
		cfgPath, roles, ok := serveArgs(s.Command)
		if !ok {
			continue
		}
		yuqing = append(yuqing, name)
		where := "docker-compose.yml: service " + name
		if cfgPath != containerConfig {
			t.Errorf("%s: --config %q, want %s", where, cfgPath, containerConfig)
		}
		if !slices.Contains(s.Volumes, "./yuqing.yaml:"+containerConfig+":ro") {
			t.Errorf("%s: does not mount ./yuqing.yaml at %s", where, containerConfig)
		}
		replicas := 1
		if s.Deploy.Replicas != nil {
			replicas = *s.Deploy.Replicas
		}
		for _, r := range checkRoles(t, where, roles) {
			covered[r] = true
			if r == configs.RoleIndex && replicas != 1 {
				t.Errorf("%s: runs the index role with %d replicas; exactly one process owns the index", where, replicas)
			}
		}
		if name == "yuqing-analyze" && replicas != 2 {
			t.Errorf("%s: %d replicas, want 2", where, replicas)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %q is published beyond loopback", where, p)
			}
		}
	}
	checkCoverage(t, "docker-compose.yml", covered)
	checkIndexOwners(t, "docker-compose.yml", c)

	prom, err := os.ReadFile("prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range yuqing {
		if !bytes.Contains(prom, []byte("names: ["+name+"]")) {
			t.Errorf("prometheus.yml does not scrape compose service %s", name)
		}
	}
}

// checkIndexOwners fails unless exactly one compose service runs the index role.
func checkIndexOwners(t *testing.T, where string, c composeFile) {
	t.Helper()
	var owners []string
	for name, s := range c.Services {
		if _, roles, ok := serveArgs(s.Command); ok {
			cfg := configs.Config{Roles: configs.ParseRoles(roles)}
			if cfg.Runs(configs.RoleIndex) {
				owners = append(owners, name)
			}
		}
	}
	if len(owners) != 1 {
		t.Errorf("%s: services running the index role: %v; want exactly one", where, owners)
	}
}

// checkCoverage fails unless every role runs somewhere.
func checkCoverage(t *testing.T, where string, covered map[string]bool) {
	t.Helper()
	for _, r := range configs.AllRoles {
		if !covered[r] {
			t.Errorf("%s: no process runs the %s role", where, r)
		}
	}
}

func TestSystemd(t *testing.T) {
	cfg, err := configs.Load("systemd/yuqing.yaml")
	if err != nil {
		t.Fatalf("systemd/yuqing.yaml: %v", err)
	}
	if cfg.Bus.Type != configs.BusEmbedded || cfg.State.Type != configs.StateLocal || len(cfg.Roles) != 0 {
		t.Errorf("systemd/yuqing.yaml: bus %s, state %s, roles %v; the unit runs everything embedded", cfg.Bus.Type, cfg.State.Type, cfg.Roles)
	}
	if cfg.HTTP.Listen != "127.0.0.1:8080" || cfg.DataDir != "/var/lib/yuqing" || cfg.RulesDir != "/etc/yuqing/rules" {
		t.Errorf("systemd/yuqing.yaml: listen %q, data_dir %q, rules_dir %q", cfg.HTTP.Listen, cfg.DataDir, cfg.RulesDir)
	}
	unit := unitKeys(t, "systemd/yuqing.service")
	want := map[string]string{
		"User":            "yuqing",
		"ExecStart":       "/usr/local/bin/yuqing serve --config /etc/yuqing/yuqing.yaml --data /var/lib/yuqing",
		"ExecReload":      "/bin/kill -HUP $MAINPID",
		"Restart":         "on-failure",
		"NoNewPrivileges": "yes",
		"ProtectSystem":   "strict",
		"ReadWritePaths":  "/var/lib/yuqing",
		"PrivateTmp":      "yes",
		"ProtectHome":     "yes",
	}
	for k, v := range want {
		if unit[k] != v {
			t.Errorf("systemd/yuqing.service: %s=%q, want %q", k, unit[k], v)
		}
	}
	if unit["LimitNOFILE"] == "" {
		t.Error("systemd/yuqing.service: no LimitNOFILE")
	}
}

// unitKeys reads the Key=Value lines of a unit file (the last one wins).
func unitKeys(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms, users []string
	build := false
	// Join continuation lines into instructions.
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			froms = append(froms, rest)
		case "USER":
			users = append(users, strings.TrimSpace(rest))
		case "RUN":
			if strings.Contains(rest, "go build") && strings.Contains(rest, "./cmd/yuqing") && strings.Contains(rest, "CGO_ENABLED=0") {
				build = true
			}
		case "COPY":
			checkCopySources(t, strings.Fields(rest))
		}
	}
	if len(froms) < 2 {
		t.Errorf("Dockerfile: %d FROM stages, want a build stage and a runtime stage", len(froms))
	}
	if len(users) == 0 {
		t.Error("Dockerfile: no USER; the image must not run as root")
	} else if u, _, _ := strings.Cut(users[len(users)-1], ":"); u == "root" || u == "0" {
		t.Errorf("Dockerfile: USER %s", users[len(users)-1])
	}
	if !build {
		t.Error("Dockerfile: no RUN with CGO_ENABLED=0 go build ... ./cmd/yuqing")
	}
}

// checkCopySources fails for a COPY from the build context whose source is
// not in the repository (the context is the repository root).
func checkCopySources(t *testing.T, args []string) {
	t.Helper()
	var srcs []string
	for _, a := range args {
		if strings.HasPrefix(a, "--from=") {
			return
		}
		if !strings.HasPrefix(a, "--") {
			srcs = append(srcs, a)
		}
	}
	if len(srcs) < 2 {
		return
	}
	for _, s := range srcs[:len(srcs)-1] {
		if s == "." {
			continue
		}
		if _, err := os.Stat(filepath.Join("..", s)); err != nil {
			t.Errorf("Dockerfile: COPY %s: not in the repository: %v", s, err)
		}
	}
}
