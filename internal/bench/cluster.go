package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/freeport"
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

	idxAddr, err := freeport.Addr()
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
		addr, err := freeport.Addr()
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
