package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/segmentio/encoding/json"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/probe"
)

// Modes of LoadBench.
const (
	ModeEmbedded    = "embedded"
	ModeDistributed = "distributed"
)

// System is a yuqing deployment under load.
type System struct {
	Name     string
	API      string   // base URL of the ingest and search API
	Index    string   // base URL whose /metrics counts the index stage
	Brokers  []string // Kafka seed brokers (distributed only)
	RawTopic string
	procs    []*proc
	stops    []func() error // run in reverse order by Stop
}

// PeakRSS is the peak resident set (VmHWM) of each server process: the
// children in distributed mode, this process (load generator included)
// in embedded mode. Call it before Stop.
func (s *System) PeakRSS() map[string]int64 {
	out := map[string]int64{}
	if len(s.procs) == 0 {
		out["self"] = procStatusOf("self", "VmHWM:")
	}
	for _, p := range s.procs {
		out[p.name] = procStatusOf(strconv.Itoa(p.cmd.Process.Pid), "VmHWM:")
	}
	return out
}

// Stop stops everything the system started, last started first, and
// returns every error met.
func (s *System) Stop() error {
	var errs []error
	for i := len(s.stops) - 1; i >= 0; i-- {
		errs = append(errs, s.stops[i]())
	}
	s.stops = nil
	return errors.Join(errs...)
}

// SystemOptions say how to start a System.
type SystemOptions struct {
	Dir        string // work directory (data, configs, logs)
	RulesDir   string
	HookURL    string // webhook receiver named "hook" (empty: none)
	MaxBacklog int64  // ingest.max_backlog; 0 keeps the default
	Analyzers  int    // analyze replicas (distributed)
	Binary     string // the yuqing executable (distributed)
	// NoSync turns off fsync of the embedded log (kfake in distributed
	// mode keeps its log in memory, so this compares like with like).
	NoSync   bool
	Progress io.Writer
}

// StartEmbeddedSystem runs one embedded app in this process (the
// default config: fsynced local log, local state).
func StartEmbeddedSystem(ctx context.Context, o SystemOptions) (*System, error) {
	cfg := configs.Default()
	cfg.DataDir = filepath.Join(o.Dir, "embedded")
	cfg.RulesDir = o.RulesDir
	cfg.Bus.Embedded.Sync = !o.NoSync
	if o.HookURL != "" {
		cfg.Receivers = []configs.Receiver{{Name: "hook", Type: configs.ReceiverWebhook, URL: o.HookURL}}
	}
	if o.MaxBacklog > 0 {
		cfg.Ingest.MaxBacklog = o.MaxBacklog
	}
	fmt.Fprintf(progressOf(o.Progress), "starting embedded server (in process)\n")
	base, stop, err := startEmbedded(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("starting embedded server: %w", err)
	}
	return &System{Name: ModeEmbedded, API: base, Index: base, stops: []func() error{func() error { stop(); return nil }}}, nil
}

// StartDistributed runs the distributed mode on this machine: an
// in-process kfake cluster, a redis-server child, and yuqing children
// started from o.Binary: one index, o.Analyzers analyze replicas, one
// alert and one api+collect, on topics, groups and keys unique to this
// run. On error everything started so far is stopped.
func StartDistributed(ctx context.Context, o SystemOptions) (_ *System, err error) {
	progress := progressOf(o.Progress)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	sys := &System{Name: fmt.Sprintf("%s-%d", ModeDistributed, o.Analyzers), RawTopic: "raw-" + suffix}
	defer func() {
		if err != nil {
			sys.Stop()
		}
	}()
	fmt.Fprintf(progress, "%s: starting kfake (in process) and redis-server\n", sys.Name)
	kf, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		return nil, fmt.Errorf("starting kfake: %w", err)
	}
	sys.stops = append(sys.stops, func() error { kf.Close(); return nil })
	sys.Brokers = kf.ListenAddrs()
	redisAddr, stopRedis, err := startRedis(ctx, filepath.Join(o.Dir, "redis-"+suffix))
	if err != nil {
		return nil, err
	}
	sys.stops = append(sys.stops, stopRedis)

	idxAddr, err := freeLoopback()
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(o.Dir, "distributed-"+suffix+".yaml")
	if err := os.WriteFile(cfgPath, []byte(distributedConfig(suffix, sys.Brokers, redisAddr, idxAddr, o)), 0o644); err != nil {
		return nil, err
	}
	start := func(name, addr, roles string) (*proc, error) {
		fmt.Fprintf(progress, "%s: starting %s (--roles %s)\n", sys.Name, name, roles)
		p, err := startProc(ctx, o.Binary, name, filepath.Join(o.Dir, suffix, name), addr, cfgPath, roles)
		if p != nil {
			sys.procs = append(sys.procs, p)
			sys.stops = append(sys.stops, p.stop)
		}
		return p, err
	}
	// The index process first: it creates the topics before the others
	// race to.
	if _, err := start("index", idxAddr, "index"); err != nil {
		return nil, err
	}
	sys.Index = "http://" + idxAddr
	names := []string{"alert", "api"}
	roles := map[string]string{"alert": "alert", "api": "api,collect"}
	for i := 1; i <= o.Analyzers; i++ {
		n := "analyze-" + strconv.Itoa(i)
		names, roles[n] = append(names, n), "analyze"
	}
	for _, n := range names {
		addr, err := freeLoopback()
		if err != nil {
			return nil, err
		}
		p, err := start(n, addr, roles[n])
		if err != nil {
			return nil, err
		}
		if n == "api" {
			sys.API = p.base
		}
	}
	return sys, nil
}

// distributedConfig is the YAML every process of a distributed system
// reads; pipeline settings stay at their defaults, like embedded.
func distributedConfig(suffix string, brokers []string, redisAddr, idxAddr string, o SystemOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, `bus:
  type: kafka
  topics: {raw: raw-%[1]s, docs: docs-%[1]s, alerts: alerts-%[1]s}
  kafka:
    brokers: [%[2]s]
    replication_factor: 1
    group_prefix: load-%[1]s
state:
  type: redis
  redis: {addr: %[3]s, key_prefix: "load-%[1]s:"}
index: {remote_url: "http://%[4]s"}
rules_dir: %[5]q
log: {level: warn}
`, suffix, strings.Join(brokers, ", "), redisAddr, idxAddr, o.RulesDir)
	if o.MaxBacklog > 0 {
		fmt.Fprintf(&b, "ingest: {max_backlog: %d}\n", o.MaxBacklog)
	}
	if o.HookURL != "" {
		fmt.Fprintf(&b, "receivers:\n  - {name: hook, type: webhook, url: %q}\n", o.HookURL)
	}
	return b.String()
}

// proc is a `yuqing serve` child process.
type proc struct {
	name, base string
	cmd        *exec.Cmd
	logPath    string
	done       chan struct{} // closed when the process has exited
	err        error
}

// startProc runs `bin serve` with cfgPath and roles, its output in
// dataDir/../name.log, and waits until it is ready (90 s at most). On
// error the process, if it started, is returned so the caller stops it.
func startProc(ctx context.Context, bin, name, dataDir, addr, cfgPath, roles string) (*proc, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	p := &proc{name: name, base: "http://" + addr, logPath: dataDir + ".log", done: make(chan struct{})}
	logf, err := os.Create(p.logPath)
	if err != nil {
		return nil, err
	}
	p.cmd = exec.Command(bin, "serve", "--config", cfgPath, "--data", dataDir, "--http", addr, "--roles", roles)
	p.cmd.Env = os.Environ()
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("running %s serve: %w", bin, err)
	}
	go func() { p.err = p.cmd.Wait(); logf.Close(); close(p.done) }()
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	go func() {
		select {
		case <-p.done:
			cancel()
		case <-wctx.Done():
		}
	}()
	if err := probe.WaitReady(wctx, p.base, 50*time.Millisecond); err != nil {
		return p, fmt.Errorf("%s not ready: %w (exit: %v)\n%s", name, err, p.exited(), tail(p.logPath, 20))
	}
	return p, nil
}

func (p *proc) exited() error {
	select {
	case <-p.done:
		return p.err
	default:
		return errors.New("still running")
	}
}

// stop sends SIGTERM, waits up to 20 s for a graceful exit, then kills.
func (p *proc) stop() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s had exited: %v\n%s", p.name, p.err, tail(p.logPath, 20))
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(20 * time.Second):
	}
	p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s ignored SIGTERM for 20s and was killed", p.name)
}

// startRedis runs a private redis-server on a free loopback port with
// persistence off, waits until it answers PING and returns its address
// and a stop func (SIGTERM, then SIGKILL after 5 s).
func startRedis(ctx context.Context, dir string) (string, func() error, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("distributed mode needs redis-server on PATH: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	var lastErr error
	for range 3 { // the free port may be taken before redis binds it
		addr, err := freeLoopback()
		if err != nil {
			return "", nil, err
		}
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
			"--dir", dir, "--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"))
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("running redis-server: %w", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		stop := func() error {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
				return nil
			case <-time.After(5 * time.Second):
			}
			cmd.Process.Kill()
			<-done
			return errors.New("redis-server ignored SIGTERM and was killed")
		}
		if lastErr = waitRedis(ctx, addr, done); lastErr == nil {
			return addr, stop, nil
		}
		stop()
	}
	return "", nil, fmt.Errorf("starting redis-server: %w\n%s", lastErr, tail(filepath.Join(dir, "redis.log"), 10))
}

// waitRedis waits up to 10 s for addr to answer PING.
func waitRedis(ctx context.Context, addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("redis-server exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		var c net.Conn
		if c, err = net.DialTimeout("tcp", addr, time.Second); err != nil {
			continue
		}
		c.SetDeadline(time.Now().Add(time.Second))
		var line string
		if _, err = c.Write([]byte("PING\r\n")); err == nil {
			line, err = bufio.NewReader(c).ReadString('\n')
		}
		c.Close()
		if err == nil && strings.TrimSpace(line) == "+PONG" {
			return nil
		}
	}
	return fmt.Errorf("redis-server on %s did not answer PING: %v", addr, err)
}

func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail is the last n lines of a log file, for error messages.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// procStatusOf reads a kB field of /proc/PID/status, in bytes (0 where
// there is no /proc).
func procStatusOf(pid, field string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func progressOf(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// AlertHook is a webhook receiver on a local HTTP server: each alert it
// receives marks the alert marker named by the alert's author label as
// observed.
type AlertHook struct {
	srv *httptest.Server
	mu  sync.Mutex
	m   *markers
}

// NewAlertHook starts the receiver; Close stops it.
func NewAlertHook() *AlertHook {
	h := &AlertHook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var p struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		json.NewDecoder(r.Body).Decode(&p)
		h.mu.Lock()
		m := h.m
		h.mu.Unlock()
		for _, a := range p.Alerts {
			if m != nil {
				m.Found(a.Labels["author"], at)
			}
		}
	}))
	return h
}

// URL is where alerts are to be posted.
func (h *AlertHook) URL() string { return h.srv.URL }

// Close stops the receiver.
func (h *AlertHook) Close() { h.srv.Close() }

func (h *AlertHook) observe(m *markers) {
	h.mu.Lock()
	h.m = m
	h.mu.Unlock()
}

// probeRule fires on alert markers: P1, one incident per author, no
// group wait, delivered to the "hook" receiver.
const probeRule = `id: load-probe
name: 延迟探针
severity: P1
type: any
match: '延迟探针 AND 火灾'
group_by: [author]
group_wait: 0s
realert: 1h
receivers: [hook]
`

// WriteLoadRules fills dir with the top-level rule files of shipped (if
// it exists; "" for none) and the probe rule.
func WriteLoadRules(dir, shipped string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if shipped != "" {
		files, _ := filepath.Glob(filepath.Join(shipped, "*.yaml"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, "zz-load-probe.yaml"), []byte(probeRule), 0o644)
}

// LoadBenchOptions say what LoadBench starts and how it loads it.
type LoadBenchOptions struct {
	Modes     []string // ModeEmbedded and/or ModeDistributed, run in this order
	Analyzers []int    // analyze replicas; distributed runs once per value
	Rates     []int    // offered posts/s; each system is loaded at each rate
	Load      LoadOptions
	// Server, when set, is loaded instead of starting anything (Metrics:
	// the base URL counting the index stage, default Server; Brokers and
	// RawTopic for target kafka).
	Server, Metrics string
	Brokers         []string
	RawTopic        string
	Binary          string // the yuqing executable, for distributed mode
	ShippedRules    string // rule files to run alongside the probe rule
	MaxBacklog      int64
	NoSync          bool   // embedded log not fsynced
	Dir             string // work directory
}

// LoadBench starts each system in turn (embedded in process, then
// distributed with each analyzer count), loads it at each rate, records
// its processes' peak RSS and stops it. Against o.Server it only loads
// (no alert latencies: it cannot install the probe rule).
func LoadBench(ctx context.Context, o LoadBenchOptions) ([]LoadReport, error) {
	progress := progressOf(o.Load.Progress)
	if o.Server != "" {
		sys := &System{Name: "server", API: o.Server, Index: o.Metrics, Brokers: o.Brokers, RawTopic: o.RawTopic}
		if sys.Index == "" {
			sys.Index = o.Server
		}
		return loadAtRates(ctx, sys, nil, o)
	}
	hook := NewAlertHook()
	defer hook.Close()
	rules := filepath.Join(o.Dir, "rules")
	if err := WriteLoadRules(rules, o.ShippedRules); err != nil {
		return nil, fmt.Errorf("writing rules: %w", err)
	}
	so := SystemOptions{Dir: o.Dir, RulesDir: rules, HookURL: hook.URL(), MaxBacklog: o.MaxBacklog,
		Binary: o.Binary, NoSync: o.NoSync, Progress: progress}
	var all []LoadReport
	for _, mode := range o.Modes {
		counts := []int{0}
		if mode == ModeDistributed {
			counts = o.Analyzers
		}
		for _, n := range counts {
			var (
				sys *System
				err error
			)
			switch mode {
			case ModeEmbedded:
				if o.Load.Target == TargetKafka {
					return all, errors.New("target kafka needs distributed mode (embedded has no Kafka)")
				}
				sys, err = StartEmbeddedSystem(ctx, so)
			case ModeDistributed:
				so.Analyzers = n
				sys, err = StartDistributed(ctx, so)
			default:
				err = fmt.Errorf("unknown mode %q (embedded or distributed)", mode)
			}
			if err != nil {
				return all, err
			}
			reps, err := loadAtRates(ctx, sys, hook, o)
			rss := sys.PeakRSS()
			for i := range reps {
				reps[i].PeakRSS = rss
			}
			all = append(all, reps...)
			fmt.Fprintf(progress, "%s: stopping\n", sys.Name)
			if serr := sys.Stop(); err == nil && serr != nil {
				fmt.Fprintf(progress, "%s: stopping: %v\n", sys.Name, serr)
			}
			if err != nil {
				return all, fmt.Errorf("loading %s: %w", sys.Name, err)
			}
		}
	}
	return all, nil
}

func loadAtRates(ctx context.Context, sys *System, hook *AlertHook, o LoadBenchOptions) ([]LoadReport, error) {
	var reps []LoadReport
	for _, rate := range o.Rates {
		lo := o.Load
		lo.Rate = rate
		fmt.Fprintf(progressOf(lo.Progress), "%s: offering %d posts/s for %s (target %s)\n", sys.Name, rate, lo.Duration, lo.Target)
		rep, err := Load(ctx, sys, hook, lo)
		if err != nil {
			return reps, err
		}
		reps = append(reps, rep)
	}
	return reps, nil
}
