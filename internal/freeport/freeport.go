// Package freeport finds a loopback port nobody listens on, for the
// servers that tests and benchmarks start (redis-server, kfake, yuqing
// child processes). The kernel hands the port out and it is released at
// once, so someone else may take it before the caller binds it: callers
// that can, retry.
package freeport

import (
	"fmt"
	"net"
	"testing"
)

// Addr returns "127.0.0.1:PORT" for a port free right now.
func Addr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("releasing %s: %w", addr, err)
	}
	return addr, nil
}

// Port returns a loopback port free right now.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("releasing port %d: %w", port, err)
	}
	return port, nil
}

// ForTest is Port for a test: it fails t instead of returning an error.
func ForTest(t testing.TB) int {
	t.Helper()
	p, err := Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// AddrForTest is Addr for a test: it fails t instead of returning an error.
func AddrForTest(t testing.TB) string {
	t.Helper()
	a, err := Addr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
