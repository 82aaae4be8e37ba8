package freeport

import (
	"net"
	"strconv"
	"testing"
)

func TestPortAndAddrAreFreeAndLoopback(t *testing.T) {
	for _, addr := range []string{AddrForTest(t), net.JoinHostPort("127.0.0.1", strconv.Itoa(ForTest(t)))} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("%s is not free: %v", addr, err)
		}
		l.Close()
		if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
			t.Errorf("%s is not on loopback", addr)
		}
	}
}
