package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, algo := range []string{NaiveBayes, Logistic} {
		t.Run(algo, func(t *testing.T) {
			m, test := trainSynth(t, algo)
			var buf bytes.Buffer
			if err := m.Save(&buf); err != nil {
				t.Fatal(err)
			}
			got, err := Load(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if got.Algorithm() != m.Algorithm() || !reflect.DeepEqual(got.Labels(), m.Labels()) {
				t.Fatalf("loaded %s %v, saved %s %v", got.Algorithm(), got.Labels(), m.Algorithm(), m.Labels())
			}
			for i, ex := range test {
				if a, b := m.Classify(ex.Input), got.Classify(ex.Input); !reflect.DeepEqual(a, b) {
					t.Fatalf("doc %d: saved model says %+v, loaded %+v", i, a, b)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	m, _ := trainSynth(t, NaiveBayes)
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotModel},
		{"not a model", []byte("label\ttext\n0\thello\n"), ErrNotModel},
		{"future version", mutate(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[len(magic):], FormatVersion+1)
			return b
		}), ErrVersion},
		{"truncated", good[:len(good)/2], ErrCorrupt},
		{"header only", good[:len(magic)+2], ErrCorrupt},
		{"flipped byte", mutate(func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b }), ErrCorrupt},
		{"bad checksum", mutate(func(b []byte) []byte { b[len(b)-6] ^= 0x01; return b }), ErrCorrupt},
	}
	for _, tt := range tests {
		_, err := Load(bytes.NewReader(tt.data))
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	_, err := Load(bytes.NewReader(tests[2].data))
	if err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version error does not name the version: %v", err)
	}
}

// fixed is a classifier that always returns the same result.
type fixed classify.Result

func (f fixed) Classify(classify.Input) classify.Result { return classify.Result(f) }

type fixedSentiment struct {
	fixed
	has bool
}

func (f fixedSentiment) HasSentiment() bool { return f.has }

func TestCombine(t *testing.T) {
	def := fixed{Categories: map[string]float64{"fraud": 0.4, "incident.fire": 0.9}, Sentiment: -0.5, Risk: 0.9,
		Explanation: []classify.Evidence{{Category: "incident.fire", Term: "起火"}, {Category: "sentiment", Term: "惨"}}}
	trained := classify.Result{Categories: map[string]float64{"fraud": 0.8, "fraud.loan": 0.8}, Sentiment: 0.7, Risk: 0.8,
		Explanation: []classify.Evidence{{Category: "fraud.loan", Term: "贷款"}, {Category: "sentiment", Term: "好"}}}

	got := Combine(def, fixedSentiment{fixed(trained), false}).Classify(classify.Input{})
	want := classify.Result{Categories: map[string]float64{"fraud": 0.8, "fraud.loan": 0.8, "incident.fire": 0.9},
		Sentiment: -0.5, Risk: 0.9,
		Explanation: []classify.Evidence{{Category: "incident.fire", Term: "起火"}, {Category: "sentiment", Term: "惨"},
			{Category: "fraud.loan", Term: "贷款"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("without trained sentiment:\n got %+v\nwant %+v", got, want)
	}

	got = Combine(def, fixedSentiment{fixed(trained), true}).Classify(classify.Input{})
	if got.Sentiment != 0.7 || len(got.Explanation) != 3 || got.Explanation[1].Term != "贷款" || got.Explanation[2].Term != "好" {
		t.Errorf("with trained sentiment: %+v", got)
	}
	// A plain classifier (no HasSentiment) never supplies the sentiment.
	if got := Combine(def, fixed(trained)).Classify(classify.Input{}); got.Sentiment != -0.5 {
		t.Errorf("plain trained classifier: sentiment %v", got.Sentiment)
	}
	empty := Combine(fixed{}, fixed{}).Classify(classify.Input{})
	if empty.Categories != nil || empty.Explanation != nil {
		t.Errorf("empty combination: %+v", empty)
	}
}
