package app

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/testcert"
)

func TestServesHTTPSWithTheConfiguredCertificate(t *testing.T) {
	certFile, keyFile, pool := testcert.Files(t)
	cfg := embeddedConfig(t)
	cfg.HTTP.TLS = configs.TLS{Enabled: true, CertFile: certFile, KeyFile: keyFile}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Options{Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	ctx, cancel := contextWithCancel()
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	url := "https://" + ln.Addr().String() + "/healthz"
	waitUntil(t, "https /healthz", func() bool {
		resp, err := client.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	if resp, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		if resp.StatusCode < 400 {
			t.Errorf("plain HTTP answered %d on the TLS port", resp.StatusCode)
		}
		resp.Body.Close()
	}
	bad := cfg
	bad.HTTP.TLS.KeyFile = filepath.Join(t.TempDir(), "missing.pem")
	if err := bad.Validate(); err == nil {
		t.Error("a missing key file validated")
	}
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
