// Package testkafka gives tests a Kafka cluster: the one named by
// YUQING_TEST_KAFKA (host:port[,host:port...]) when set, otherwise an
// in-process kfake cluster (real Kafka protocol) listening on loopback and
// closed when the test ends.
package testkafka

import (
	"os"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Brokers returns the seed brokers of the test cluster.
func Brokers(t testing.TB) []string {
	t.Helper()
	if addr := os.Getenv("YUQING_TEST_KAFKA"); addr != "" {
		t.Logf("using Kafka at %s", addr)
		return strings.Split(addr, ",")
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}
