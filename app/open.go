package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/yuqing-dev/yuqing/bus/kafkabus"
	"github.com/yuqing-dev/yuqing/bus/logbus"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/state/localstate"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// openStateAndBus opens the shared state and the bus the config names and
// makes sure the topics exist.
func (a *App) openStateAndBus(ctx context.Context) error {
	switch a.cfg.State.Type {
	case configs.StateRedis:
		r := a.cfg.State.Redis
		tlsCfg, err := r.TLS.ClientConfig()
		if err != nil {
			return fmt.Errorf("state.redis.tls: %w", err)
		}
		st, err := redisstate.New(redisstate.Config{Addr: r.Addr, Username: r.Username, Password: r.Password,
			DB: r.DB, KeyPrefix: r.KeyPrefix, TLS: tlsCfg, Logger: a.log})
		if err != nil {
			return fmt.Errorf("opening redis state: %w", err)
		}
		a.state = st
	default:
		st, err := localstate.Open(filepath.Join(a.cfg.DataDir, "state.db"), localstate.Options{Logger: a.log})
		if err != nil {
			return fmt.Errorf("opening local state: %w", err)
		}
		a.state = st
	}
	a.cleanups = append(a.cleanups, a.state.Close)

	switch a.cfg.Bus.Type {
	case configs.BusKafka:
		k := a.cfg.Bus.Kafka
		tlsCfg, err := k.TLS.ClientConfig()
		if err != nil {
			return fmt.Errorf("bus.kafka.tls: %w", err)
		}
		var sasl *kafkabus.SASLConfig
		if k.SASL.Mechanism != "" {
			pw := k.SASL.Password
			if k.SASL.PasswordEnv != "" {
				pw = os.Getenv(k.SASL.PasswordEnv)
			}
			sasl = &kafkabus.SASLConfig{Mechanism: k.SASL.Mechanism, Username: k.SASL.Username, Password: pw}
		}
		b, err := kafkabus.New(kafkabus.Config{Brokers: k.Brokers, ClientID: k.ClientID, Partitions: k.Partitions,
			ReplicationFactor: k.ReplicationFactor, BatchTimeout: k.BatchTimeout, Logger: a.log, TLS: tlsCfg, SASL: sasl})
		if err != nil {
			return fmt.Errorf("opening kafka bus: %w", err)
		}
		a.bus = b
	default:
		opts := logbus.DefaultOptions()
		opts.Sync = a.cfg.Bus.Embedded.Sync
		opts.SegmentBytes = a.cfg.Bus.Embedded.SegmentBytes
		opts.Logger = a.log
		b, err := logbus.Open(filepath.Join(a.cfg.DataDir, "bus"), opts)
		if err != nil {
			return fmt.Errorf("opening embedded bus: %w", err)
		}
		a.bus = b
	}
	a.cleanups = append(a.cleanups, a.bus.Close)
	t := a.cfg.Bus.Topics
	if err := a.bus.EnsureTopics(ctx, t.Raw, t.Docs, t.Alerts); err != nil {
		return fmt.Errorf("creating topics: %w", err)
	}
	return nil
}
