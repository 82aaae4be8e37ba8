package app

import (
	"os"
	"testing"

	"github.com/yuqing-dev/yuqing/internal/testkafka"
)

// TestMain lets this test binary serve as a kfake broker process for
// tests that kill Kafka (testkafka.StartProcess), then runs the tests.
func TestMain(m *testing.M) {
	testkafka.ServeIfChild()
	os.Exit(m.Run())
}
