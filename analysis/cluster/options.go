package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	// DefaultMaxDistance is the Hamming threshold of DefaultOptions.
	DefaultMaxDistance = 3
	// DefaultWindow is the window of DefaultOptions.
	DefaultWindow = 72 * time.Hour
	// DefaultKeyPrefix prefixes every store key when Options.KeyPrefix is
	// empty.
	DefaultKeyPrefix = "cluster:"
	// MaxMaxDistance is the largest MaxDistance New accepts. Beyond it the
	// index's bands are under 6 bits wide and SimHash no longer tells
	// reposts from unrelated texts.
	MaxMaxDistance = 10
)

// ErrInvalidOptions is wrapped by New's errors about its Options.
var ErrInvalidOptions = errors.New("cluster: invalid options")

// Options configures an Assigner. Start from DefaultOptions: in the zero
// value MaxDistance is 0 (identical hashes only) and Window is invalid.
// Every replica sharing a store must use the same Options.
type Options struct {
	// MaxDistance is the largest SimHash Hamming distance (see package
	// simhash) at which a document joins a cluster, 0 to MaxMaxDistance.
	// 0 clusters identical hashes only.
	MaxDistance int
	// Window bounds a cluster in document time: it accepts a document
	// whose time (Assign's at) is within Window of the time of the
	// cluster's first document, and never one outside it, however many
	// members it gained in between. A story reposted for longer than
	// Window therefore starts a new cluster every Window, so rules counting
	// clusters count it once per Window. The store forgets a cluster
	// Window (wall-clock) after its last write. Must be positive.
	Window time.Duration
	// KeyPrefix prefixes every key the Assigner writes; empty means
	// DefaultKeyPrefix.
	KeyPrefix string
	// Registerer receives the Assigner's metrics; nil means none. Give
	// each Assigner of a process its own registry or only one a
	// Registerer: the metric names are fixed.
	Registerer prometheus.Registerer
}

// DefaultOptions returns MaxDistance 3 (see doc.go for the measurements
// behind it), Window 72h and KeyPrefix "cluster:".
func DefaultOptions() Options {
	return Options{
		MaxDistance: DefaultMaxDistance,
		Window:      DefaultWindow,
		KeyPrefix:   DefaultKeyPrefix,
	}
}

// validate checks o and fills the empty KeyPrefix.
func (o *Options) validate() error {
	if o.MaxDistance < 0 || o.MaxDistance > MaxMaxDistance {
		return fmt.Errorf("%w: MaxDistance %d is not between 0 and %d", ErrInvalidOptions, o.MaxDistance, MaxMaxDistance)
	}
	if o.Window <= 0 {
		return fmt.Errorf("%w: Window %v is not positive", ErrInvalidOptions, o.Window)
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = DefaultKeyPrefix
	}
	return nil
}
