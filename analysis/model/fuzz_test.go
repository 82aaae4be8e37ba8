package model

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzLoad feeds Load damaged model files: it must return one of its
// errors, never panic or return a model that panics.
func FuzzLoad(f *testing.F) {
	m, _ := trainSynth(f, NaiveBayes)
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:40])
	f.Add([]byte(magic + "\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Load(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrNotModel) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		ex := synthSet(2, fraudLabels, 1)
		for _, e := range ex {
			got.Classify(e.Input)
		}
	})
}
