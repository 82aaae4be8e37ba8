package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/testkafka"
	"github.com/yuqing-dev/yuqing/internal/testredis"
)

func distributedConfig(t *testing.T, brokers []string, redisAddr string) configs.Config {
	cfg := embeddedConfig(t)
	cfg.Bus.Type = configs.BusKafka
	cfg.Bus.Kafka.Brokers = brokers
	cfg.Bus.Kafka.Partitions = 3
	// Unique topics and groups so a shared real cluster stays clean.
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	cfg.Bus.Topics = configs.Topics{Raw: "raw-" + suffix, Docs: "docs-" + suffix, Alerts: "alerts-" + suffix}
	cfg.Bus.Kafka.GroupPrefix = "yuqing-test-" + suffix
	cfg.State.Type = configs.StateRedis
	cfg.State.Redis.Addr = redisAddr
	return cfg
}

// TestDistributedPathOnKafkaAndRedis runs the same pipeline on Kafka (an
// in-process kfake cluster, or YUQING_TEST_KAFKA) with state in a
// redis-server the test starts: ingest, search, duplicates, restart.
func TestDistributedPathOnKafkaAndRedis(t *testing.T) {
	cfg := distributedConfig(t, testkafka.Brokers(t), testredis.Start(t))
	s := startApp(t, cfg)
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, `{"id":"k%d","source":"weibo","text":"第%d条：高速公路发生多车追尾交通事故"}`+"\n", i, i)
	}
	for range 2 {
		if status, m := s.do("POST", "/api/v1/ingest/posts", "", []byte(b.String())); status != 202 || m["accepted"].(float64) != 30 {
			t.Fatalf("%d %v", status, m)
		}
	}
	res := s.waitSearch("追尾", 30)
	if !strings.Contains(fmt.Sprint(res["hits"]), "<mark>追尾</mark>") {
		t.Errorf("no highlight in %v", res["hits"])
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	// A restart resumes from the committed offsets: new posts arrive, old
	// ones are neither lost nor duplicated.
	s2 := startApp(t, cfg)
	s2.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"k-late","text":"追尾事故现场已清理"}`))
	s2.waitSearch("追尾", 31)
}
