//go:build !linux

package testredis

import "os/exec"

// configure is a no-op where the kernel offers no parent-death signal; the
// server is still stopped by the test's cleanup.
func configure(*exec.Cmd) {}
