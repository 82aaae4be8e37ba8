package testkafka

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/internal/syncbuf"
)

// A broker in a child process: a test that must crash Kafka (SIGKILL, no
// shutdown code run) cannot do it to an in-process kfake cluster, whose
// only way to stop is a graceful Close that saves its whole state. So the
// test binary re-executes itself with childPortEnv and childDirEnv set,
// and ServeIfChild, called from the package's TestMain, turns that child
// into a kfake broker instead of running tests.
const (
	childPortEnv = "YUQING_TESTKAFKA_CHILD_PORT"
	childDirEnv  = "YUQING_TESTKAFKA_CHILD_DATADIR"
	// readyLine is what the child prints once kfake has loaded its data
	// directory and serves requests.
	readyLine = "testkafka: broker ready"
)

// ServeIfChild returns at once in an ordinary test process. In a child
// started by StartProcess it runs a one-broker kfake cluster on
// 127.0.0.1 with the port and data directory it was given, and never
// returns: the process ends when it is killed, when it gets SIGINT or
// SIGTERM (it then closes the cluster, saving its state), when its parent
// dies (its stdin reaches EOF), or, if kfake cannot start, with exit
// status 2. A test package that uses StartProcess must call it first
// thing in its TestMain.
//
// The cluster does not use kfake.SyncWrites. Without it kfake writes every
// produced batch, committed offset and producer id to its files as it
// handles the request, with no fsync; a SIGKILL ends the process but not
// the kernel, so those writes are in the page cache and the restarted
// broker reads them back. SyncWrites would only matter if the machine
// lost power, which is not the fault these tests inject.
func ServeIfChild() {
	portStr, ok := os.LookupEnv(childPortEnv)
	if !ok {
		return
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testkafka: child: bad %s=%q: %v\n", childPortEnv, portStr, err)
		os.Exit(2)
	}
	dir := os.Getenv(childDirEnv)
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.DataDir(dir),
		kfake.Ports(port),
		// kfake binds 127.0.0.1 already; say so rather than rely on it.
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		}),
		kfake.WithLogger(kfake.BasicLogger(os.Stderr, kfake.LogLevelWarn)),
	)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testkafka: child: starting kfake on port %d from %s: %v\n", port, dir, err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stdout, "%s on %s (data %s)\n", readyLine, c.ListenAddrs()[0], dir)

	stop := make(chan string, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { stop <- (<-sig).String() }()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop <- "parent gone (stdin closed)"
	}()
	why := <-stop
	fmt.Fprintf(os.Stderr, "testkafka: child: %s, closing the cluster\n", why)
	c.Close()
	os.Exit(0)
}

// Broker is a kfake broker running in a child process of the test, so
// that the test can kill it.
type Broker struct {
	t    testing.TB
	dir  string
	port int
	out  *syncbuf.Buffer // output of every child started, in order

	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.Closer
	exited chan struct{} // closed when cmd has been waited for
}

// StartProcess starts a one-broker kfake cluster in a child process (the
// test binary run again, see ServeIfChild) listening on 127.0.0.1:port
// with its state in dataDir (kept across Kill and Restart; "" keeps
// nothing), and returns once the broker has loaded that directory and
// accepts connections; it fails the test if that does not happen within
// 30 seconds. The broker is killed when the test ends, before cleanups
// registered earlier run; if the test failed, the children's output is
// logged.
func StartProcess(t testing.TB, dataDir string, port int) *Broker {
	t.Helper()
	b := &Broker{t: t, dir: dataDir, port: port, out: &syncbuf.Buffer{}}
	t.Cleanup(func() {
		b.Kill()
		if t.Failed() {
			t.Logf("output of the kfake child process(es) on port %d:\n%s", port, b.out.String())
		}
	})
	b.start()
	return b
}

// Addr returns the broker's host:port.
func (b *Broker) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port))
}

// Kill sends SIGKILL to the broker's process and waits for it to end. It
// does nothing if the process has already ended.
func (b *Broker) Kill() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.killLocked()
}

// Restart kills the broker if it still runs and starts a new process on
// the same port and data directory, returning once it accepts
// connections, as StartProcess does. It must be called from the test's
// goroutine (it may call t.Fatal).
func (b *Broker) Restart() {
	b.t.Helper()
	b.Kill()
	b.start()
}

func (b *Broker) killLocked() {
	if b.cmd == nil {
		return
	}
	select {
	case <-b.exited:
	default:
		b.cmd.Process.Kill() // SIGKILL on Unix
		<-b.exited
	}
	b.stdin.Close()
	b.cmd = nil
}

// start starts a child and waits until it is ready.
func (b *Broker) start() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		b.t.Fatalf("testkafka: broker on port %d already running", b.port)
	}
	mark := b.out.Len()
	fmt.Fprintf(b.out, "--- %s: starting child on port %d\n", time.Now().Format("15:04:05.000"), b.port)
	// -test.run=^$: if TestMain does not call ServeIfChild, the child runs
	// no test and exits, and the wait below says why.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childPortEnv+"="+strconv.Itoa(b.port), childDirEnv+"="+b.dir)
	cmd.Stdout, cmd.Stderr = b.out, b.out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.t.Fatalf("testkafka: stdin pipe for the kfake child: %v", err)
	}
	if err := cmd.Start(); err != nil {
		stdin.Close()
		b.t.Fatalf("testkafka: starting the kfake child %s: %v", os.Args[0], err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	b.cmd, b.stdin, b.exited = cmd, stdin, exited

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			b.cmd = nil
			stdin.Close()
			b.t.Fatalf("testkafka: the kfake child on port %d exited before it was ready (%v; does the package's TestMain call testkafka.ServeIfChild?); its output:\n%s",
				b.port, waitErr, b.out.From(mark))
		default:
		}
		if strings.Contains(b.out.From(mark), readyLine) {
			conn, err := net.DialTimeout("tcp", b.Addr(), time.Second)
			if err == nil {
				conn.Close()
				return
			}
		}
		if time.Now().After(deadline) {
			b.killLocked()
			b.t.Fatalf("testkafka: the kfake child on port %d was not ready after 30s; its output:\n%s", b.port, b.out.From(mark))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
