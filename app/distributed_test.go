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
	waitUntil(t, "per-partition lag", func() bool {
		m := s.metricsText()
		return strings.Contains(m, `yuqing_stage_partition_lag_records{partition="0",stage="analyze"}`) &&
			strings.Contains(m, `yuqing_stage_partition_lag_records{partition="2",stage="index"}`)
	})
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

// /readyz follows the shared state: 503 naming Redis while it is down,
// ready again once it is back, with nothing acknowledged lost.
func TestReadyzFollowsRedis(t *testing.T) {
	rs := testredis.StartServer(t)
	cfg := distributedConfig(t, testkafka.Brokers(t), rs.Addr())
	s := startApp(t, cfg)
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"r1","text":"台风登陆前的准备工作"}`))
	s.waitSearch("台风", 1)
	rs.Stop()
	waitUntil(t, "readyz 503 naming the state", func() bool {
		code, m := s.do("GET", "/readyz", "", nil)
		e, _ := m["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return code == 503 && strings.Contains(msg, "state (redis)")
	})
	rs.Restart()
	waitUntil(t, "readyz 200 again", func() bool { code, _ := s.do("GET", "/readyz", "", nil); return code == 200 })
	s.do("POST", "/api/v1/ingest/posts", "", []byte(`{"id":"r2","text":"台风过境后的灾情统计"}`))
	s.waitSearch("台风", 2)
}
