package model

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
)

// File format, version 1:
//
//	magic   8 bytes  "YQMODEL\x00"
//	version 2 bytes  big-endian uint16 (FormatVersion)
//	body    gzip stream of one gob-encoded fileV1
//
// The gzip trailer's CRC is checked, so a truncated or altered file is an
// error rather than a silently different model.
const (
	magic = "YQMODEL\x00"
	// FormatVersion is the version Save writes and Load accepts.
	FormatVersion uint16 = 1
)

// Errors Load returns (wrapped, test with errors.Is).
var (
	ErrNotModel = errors.New("model: not a yuqing model file")
	ErrVersion  = errors.New("model: unsupported model file version")
	ErrCorrupt  = errors.New("model: corrupt model file")
)

// fileV1 is the stored form of a Model.
type fileV1 struct {
	Algorithm string
	Labels    []string
	Keys      []uint64
	Weights   []float32
	Bias      []float32
	Binary    bool
	Norm      bool
}

// Save writes the model to w in the versioned, gzip-compressed format.
func (m *Model) Save(w io.Writer) error {
	var hdr [len(magic) + 2]byte
	copy(hdr[:], magic)
	binary.BigEndian.PutUint16(hdr[len(magic):], FormatVersion)
	if _, err := w.Write(hdr[:]); err != nil {
		return fmt.Errorf("writing model header: %w", err)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	f := fileV1{Algorithm: m.algo, Labels: m.labels, Keys: m.keys, Weights: m.w, Bias: m.bias,
		Binary: m.binary, Norm: m.norm}
	if err := gob.NewEncoder(zw).Encode(&f); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	return nil
}

// Load reads a model written by Save. A file that is not a model is
// ErrNotModel, another format version ErrVersion, and a truncated or
// damaged one ErrCorrupt.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	var hdr [len(magic) + 2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil || !bytes.Equal(hdr[:len(magic)], []byte(magic)) {
		return nil, ErrNotModel
	}
	if v := binary.BigEndian.Uint16(hdr[len(magic):]); v != FormatVersion {
		return nil, fmt.Errorf("%w %d (this build reads version %d)", ErrVersion, v, FormatVersion)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var f fileV1
	if err := gob.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// Reading to the end verifies the gzip checksum.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return newModel(f.Algorithm, f.Labels, f.Keys, f.Weights, f.Bias, f.Binary, f.Norm), nil
}

// check validates what a decoded file claims.
func (f *fileV1) check() error {
	if f.Algorithm != NaiveBayes && f.Algorithm != Logistic {
		return fmt.Errorf("unknown algorithm %q", f.Algorithm)
	}
	if len(f.Labels) < 2 {
		return fmt.Errorf("%d labels", len(f.Labels))
	}
	for _, l := range f.Labels {
		if _, err := NormalizeLabel(l); err != nil {
			return err
		}
	}
	if len(f.Bias) != len(f.Labels) || len(f.Weights) != len(f.Keys)*len(f.Labels) {
		return fmt.Errorf("%d weights and %d biases for %d features × %d labels",
			len(f.Weights), len(f.Bias), len(f.Keys), len(f.Labels))
	}
	for i := 1; i < len(f.Keys); i++ {
		if f.Keys[i] <= f.Keys[i-1] {
			return errors.New("feature keys out of order")
		}
	}
	return nil
}
