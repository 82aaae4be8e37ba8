package configs

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLS configures a TLS endpoint or client. The files are PEM.
type TLS struct {
	// Enabled turns TLS on (a server also needs CertFile and KeyFile).
	Enabled bool `yaml:"enabled"`
	// CertFile and KeyFile are this side's certificate and key: the
	// server's, or a client certificate for mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// CAFile holds the CAs trusted to sign the other side's certificate;
	// empty uses the system's.
	CAFile string `yaml:"ca_file"`
	// InsecureSkipVerify (clients only) does not check the server's
	// certificate: for tests, never production.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// ClientConfig returns the tls.Config of a client, or nil when disabled.
func (t TLS) ClientConfig() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // opt-in, documented as test-only
	if t.CAFile != "" {
		pool, err := loadPool(t.CAFile)
		if err != nil {
			return nil, err
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading client certificate %s: %w", t.CertFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// ServerConfig returns the tls.Config of a server, or nil when disabled;
// with CAFile set, clients must present a certificate it signed.
func (t TLS) ServerConfig() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("loading certificate %s and key %s: %w", t.CertFile, t.KeyFile, err)
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	if t.CAFile != "" {
		pool, err := loadPool(t.CAFile)
		if err != nil {
			return nil, err
		}
		c.ClientCAs, c.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return c, nil
}

func loadPool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// validate checks that the files load; server says whether a
// certificate is required.
func (t TLS) validate(field string, server bool, bad func(field, format string, args ...any)) {
	if !t.Enabled {
		if t.CertFile != "" || t.KeyFile != "" || t.CAFile != "" || t.InsecureSkipVerify {
			bad(field+".enabled", "set enabled: true to use the TLS settings")
		}
		return
	}
	var err error
	if server {
		if t.CertFile == "" || t.KeyFile == "" {
			bad(field, "a TLS server needs cert_file and key_file")
			return
		}
		if t.InsecureSkipVerify {
			bad(field+".insecure_skip_verify", "is for clients only")
		}
		_, err = t.ServerConfig()
	} else {
		if (t.CertFile == "") != (t.KeyFile == "") {
			bad(field, "cert_file and key_file go together")
			return
		}
		_, err = t.ClientConfig()
	}
	if err != nil {
		bad(field, "%v", errors.Unwrap(err))
	}
}

// KafkaSASL authenticates with the Kafka brokers.
type KafkaSASL struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: none.
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// Password, or PasswordEnv naming an environment variable holding it.
	Password    string `yaml:"password"`
	PasswordEnv string `yaml:"password_env"`
}

func (s KafkaSASL) validate(bad func(field, format string, args ...any)) {
	switch s.Mechanism {
	case "":
		if s.Username != "" || s.Password != "" || s.PasswordEnv != "" {
			bad("bus.kafka.sasl.mechanism", "set a mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) to use the credentials")
		}
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
		if s.Username == "" {
			bad("bus.kafka.sasl.username", "must be set")
		}
		if s.Password != "" && s.PasswordEnv != "" {
			bad("bus.kafka.sasl.password", "set password or password_env, not both")
		}
	default:
		bad("bus.kafka.sasl.mechanism", "%q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.Mechanism)
	}
}
