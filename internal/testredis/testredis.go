package testredis

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/internal/freeport"
	"github.com/yuqing-dev/yuqing/internal/syncbuf"
)

const (
	// startTimeout bounds how long one redis-server may take to become ready.
	startTimeout = 10 * time.Second
	// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	stopTimeout = 5 * time.Second
	// portAttempts is how often Start retries when the port it picked was
	// taken by someone else before redis-server could bind it.
	portAttempts = 5
	// readyLine is what redis-server logs once it listens. Waiting for it
	// before dialling guarantees the PING reaches our own process.
	readyLine = "Ready to accept connections"
)

// errPortInUse means redis-server could not bind the port it was given.
var errPortInUse = errors.New("port already in use")

// Start runs a private redis-server on a free 127.0.0.1 port, waits until
// it answers PING and returns its address ("127.0.0.1:port"). The server
// keeps no data on disk (--save "" --appendonly no, --dir t.TempDir()) and
// is stopped by t.Cleanup (SIGTERM, then SIGKILL after a few seconds).
//
// Start fails the test (never skips it) when redis-server is not on PATH or
// does not become ready within ~10s; the failure includes the server's
// output.
func Start(t testing.TB) string {
	t.Helper()
	return StartServer(t).Addr()
}

// Server is a redis-server a test started and may stop and restart (fault
// tests): it keeps its port across restarts.
type Server struct {
	t   testing.TB
	bin string
	dir string
	mu  sync.Mutex
	srv *server // nil while stopped
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv.addr
}

// Stop terminates the server (a later Restart brings it back on the same
// port).
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.srv.stop(); err != nil {
		s.t.Errorf("testredis: %v", err)
	}
	s.srv = &server{addr: s.srv.addr, exited: closedChan()}
}

// Restart starts the stopped server again on its port.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, portStr, _ := net.SplitHostPort(s.srv.addr)
	port, _ := strconv.Atoi(portStr)
	srv, err := start(s.bin, s.dir, port)
	if err != nil {
		s.t.Fatalf("testredis: restarting redis-server: %v", err)
	}
	s.srv = srv
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// StartServer is Start returning the server itself.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("testredis: redis-server is not on PATH (%v); these tests need a real Redis: install it with `apt-get install redis-server` (or your platform's redis package)", err)
	}
	dir := t.TempDir()
	var lastErr error
	for attempt := 1; attempt <= portAttempts; attempt++ {
		port, err := freeport.Port()
		if err != nil {
			t.Fatalf("testredis: %v", err)
		}
		srv, err := start(bin, dir, port)
		if err == nil {
			s := &Server{t: t, bin: bin, dir: dir, srv: srv}
			t.Cleanup(func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if s.srv.cmd == nil {
					return // stopped by the test
				}
				if err := s.srv.stop(); err != nil {
					t.Errorf("testredis: %v", err)
				}
			})
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) {
			break
		}
	}
	t.Fatalf("testredis: starting redis-server: %v", lastErr)
	return nil
}

// server is one running redis-server child process.
type server struct {
	addr    string
	cmd     *exec.Cmd
	out     *syncbuf.Buffer
	exited  chan struct{} // closed once cmd.Wait has returned
	waitErr error         // cmd.Wait's result; read only after exited
}

// start launches redis-server on port and waits until it is ready. On
// failure the process is gone and the error carries its output; it wraps
// errPortInUse when the port was taken.
func start(bin, dir string, port int) (*server, error) {
	srv := &server{
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		out:    &syncbuf.Buffer{},
		exited: make(chan struct{}),
	}
	srv.cmd = exec.Command(bin,
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--logfile", "",
		"--loglevel", "notice",
	)
	srv.cmd.Stdout = srv.out
	srv.cmd.Stderr = srv.out
	configure(srv.cmd)
	if err := srv.cmd.Start(); err != nil {
		return nil, fmt.Errorf("running %s: %w", bin, err)
	}
	go func() {
		srv.waitErr = srv.cmd.Wait()
		close(srv.exited)
	}()
	if err := srv.waitReady(); err != nil {
		_ = srv.stop()
		return nil, err
	}
	return srv, nil
}

// waitReady waits until the server has logged readyLine and answers PING.
func (s *server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	var pingErr error
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			out := s.out.String()
			if strings.Contains(out, "Address already in use") {
				return fmt.Errorf("%s: %w\n--- redis-server output ---\n%s", s.addr, errPortInUse, out)
			}
			return fmt.Errorf("redis-server on %s exited before it was ready (%v)\n--- redis-server output ---\n%s", s.addr, s.waitErr, out)
		case <-time.After(10 * time.Millisecond):
		}
		if !strings.Contains(s.out.String(), readyLine) {
			continue
		}
		if pingErr = ping(s.addr); pingErr == nil {
			return nil
		}
	}
	return fmt.Errorf("redis-server on %s not ready after %v (last ping: %v)\n--- redis-server output ---\n%s",
		s.addr, startTimeout, pingErr, s.out.String())
}

// stop terminates the server: SIGTERM, then SIGKILL if it has not exited
// within stopTimeout. It reports an error only if the process outlived
// SIGTERM or had already died on its own.
func (s *server) stop() error {
	select {
	case <-s.exited:
		return fmt.Errorf("redis-server on %s had already exited (%v)\n--- redis-server output ---\n%s", s.addr, s.waitErr, s.out.String())
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return nil
	case <-time.After(stopTimeout):
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	return fmt.Errorf("redis-server on %s ignored SIGTERM for %v and was killed\n--- redis-server output ---\n%s", s.addr, stopTimeout, s.out.String())
}

// ping sends an inline PING and expects +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(line); got != "+PONG" {
		return fmt.Errorf("PING answered %q", got)
	}
	return nil
}
