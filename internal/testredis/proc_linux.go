package testredis

import (
	"os/exec"
	"syscall"
)

// configure asks the kernel to kill redis-server if the test binary dies
// without running its cleanups (for example on a go test timeout).
func configure(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
