package kafkabus

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// SASL mechanisms.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// SASLConfig authenticates with the brokers.
type SASLConfig struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
	Mechanism string
	Username  string
	Password  string
}

// Mechanism returns the kafka-go SASL mechanism of c.
func (c SASLConfig) mechanism() (sasl.Mechanism, error) {
	switch strings.ToUpper(c.Mechanism) {
	case SASLPlain:
		return plain.Mechanism{Username: c.Username, Password: c.Password}, nil
	case SASLScramSHA256:
		return scram.Mechanism(scram.SHA256, c.Username, c.Password)
	case SASLScramSHA512:
		return scram.Mechanism(scram.SHA512, c.Username, c.Password)
	default:
		return nil, fmt.Errorf("SASL mechanism %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", c.Mechanism)
	}
}

// security returns the TLS config and SASL mechanism of cfg (each nil when
// unset).
func security(cfg Config) (*tls.Config, sasl.Mechanism, error) {
	var mech sasl.Mechanism
	if cfg.SASL != nil {
		m, err := cfg.SASL.mechanism()
		if err != nil {
			return nil, nil, err
		}
		mech = m
	}
	return cfg.TLS, mech, nil
}
