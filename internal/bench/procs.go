package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/yuqing-dev/yuqing/internal/freeport"
	"github.com/yuqing-dev/yuqing/internal/probe"
)

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
		addr, err := freeport.Addr()
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
