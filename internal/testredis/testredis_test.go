package testredis

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func TestStartAnswersPingAndStopsOnCleanup(t *testing.T) {
	var addrs []string
	for i := range 2 {
		t.Run(fmt.Sprint("server", i), func(t *testing.T) {
			addr := Start(t)
			if err := ping(addr); err != nil {
				t.Fatalf("ping %s: %v", addr, err)
			}
			addrs = append(addrs, addr)
		})
	}
	if len(addrs) != 2 || addrs[0] == addrs[1] {
		t.Fatalf("want two distinct servers, got %v", addrs)
	}
	for _, addr := range addrs {
		if err := ping(addr); err == nil {
			t.Errorf("server %s still answers after its test's cleanup", addr)
		}
	}
}

func TestStartFailsWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(ft)
	}()
	<-done
	if ft.skipped {
		t.Fatal("Start skipped instead of failing")
	}
	if !ft.failed {
		t.Fatal("Start did not fail without redis-server on PATH")
	}
	if !strings.Contains(ft.msg, "apt-get install redis-server") {
		t.Errorf("failure message does not say how to install redis-server: %q", ft.msg)
	}
}

// fatalTB records Fatal and Skip calls instead of acting on the real test.
// Both end the calling goroutine, as the real ones do.
type fatalTB struct {
	testing.TB
	msg     string
	failed  bool
	skipped bool
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalTB) Fatal(args ...any) {
	f.failed, f.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

func (f *fatalTB) Skipf(string, ...any) { f.skipped = true; runtime.Goexit() }
func (f *fatalTB) Skip(...any)          { f.skipped = true; runtime.Goexit() }
func (f *fatalTB) SkipNow()             { f.skipped = true; runtime.Goexit() }
func (f *fatalTB) FailNow()             { f.failed = true; runtime.Goexit() }

func TestStartReportsTakenPort(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not on PATH: %v (apt-get install redis-server)", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	srv, err := start(bin, t.TempDir(), port)
	if err == nil {
		_ = srv.stop()
		t.Fatal("start succeeded on a taken port")
	}
	if !errors.Is(err, errPortInUse) {
		t.Fatalf("start on a taken port: got %v, want errPortInUse", err)
	}
}
