package kafkabus_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yuqing-dev/yuqing/bus"
	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/internal/testcert"
)

// TestTLSAndSASL produces and consumes over TLS with SASL (PLAIN and
// SCRAM-SHA-256) against a kfake cluster that requires both, and fails
// with a wrong password.
func TestTLSAndSASL(t *testing.T) {
	cert, pool := testcert.New(t)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(), kfake.Superuser("PLAIN", "yuqing", "s3cret"),
		kfake.User("SCRAM-SHA-256", "scram-user", "scram-pass"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clientTLS := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	for _, tc := range []struct {
		name string
		sasl kafkabus.SASLConfig
	}{
		{"plain", kafkabus.SASLConfig{Mechanism: kafkabus.SASLPlain, Username: "yuqing", Password: "s3cret"}},
		{"scram", kafkabus.SASLConfig{Mechanism: kafkabus.SASLScramSHA256, Username: "scram-user", Password: "scram-pass"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := kafkabus.New(kafkabus.Config{Brokers: c.ListenAddrs(), ClientID: "tls-test", Partitions: 1, TLS: clientTLS, SASL: &tc.sasl})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			topic := "secure-" + tc.name
			if err := b.EnsureTopics(ctx, topic); err != nil {
				t.Fatalf("EnsureTopics over TLS+SASL: %v", err)
			}
			if err := b.Produce(ctx, bus.Message{Topic: topic, Key: []byte("k"), Value: []byte("机密")}); err != nil {
				t.Fatalf("produce: %v", err)
			}
			cons, err := b.Consumer(ctx, "g-"+tc.name, topic)
			if err != nil {
				t.Fatal(err)
			}
			defer cons.Close()
			msgs, err := cons.Fetch(ctx, 1, time.Millisecond)
			if err != nil || string(msgs[0].Value) != "机密" {
				t.Fatalf("fetch over TLS+SASL: %v %v", msgs, err)
			}
		})
	}
	bad, err := kafkabus.New(kafkabus.Config{Brokers: c.ListenAddrs(), ClientID: "tls-test", TLS: clientTLS,
		SASL: &kafkabus.SASLConfig{Mechanism: kafkabus.SASLPlain, Username: "yuqing", Password: "wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := bad.Ping(ctx); err == nil {
		t.Error("a wrong password was accepted")
	}
	if _, err := kafkabus.New(kafkabus.Config{Brokers: c.ListenAddrs(), SASL: &kafkabus.SASLConfig{Mechanism: "GSSAPI"}}); err == nil || !strings.Contains(err.Error(), "GSSAPI") {
		t.Errorf("unknown mechanism: %v", err)
	}
}
