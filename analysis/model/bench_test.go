package model

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// benchVocab is a vocabulary of random two- and three-character CJK words,
// large enough that a model trained on it has tens of thousands of
// features, like a model trained on real SMS.
func benchVocab(rng *rand.Rand, n int) []string {
	v := make([]string, n)
	for i := range v {
		var b strings.Builder
		for range 2 + rng.IntN(2) {
			b.WriteRune(rune(0x4e00 + rng.IntN(3000)))
		}
		v[i] = b.String()
	}
	return v
}

// benchDoc is a document of about chars characters of class class (of
// classes): a third of its words come from the class's own slice of the
// vocabulary, the rest from a Zipf-like draw over all of it; punctuation
// every few words.
func benchDoc(rng *rand.Rand, vocab []string, chars, class, classes int) classify.Input {
	var b strings.Builder
	var words []string
	per := len(vocab) / classes
	for utf8.RuneCountInString(b.String()) < chars {
		w := vocab[int(rng.ExpFloat64()*float64(len(vocab))/8)%len(vocab)]
		if rng.IntN(3) == 0 {
			w = vocab[class*per+rng.IntN(per)]
		}
		words = append(words, w)
		b.WriteString(w)
		if rng.IntN(6) == 0 {
			b.WriteString("，")
		}
	}
	return classify.Input{Text: b.String(), Words: words}
}

func benchModel(b *testing.B, algo string) (*Model, *rand.Rand, []string) {
	rng := rand.New(rand.NewPCG(9, 9))
	vocab := benchVocab(rng, 20000)
	labels := []string{"none", "fraud.loan", "fraud.impersonation", "fraud.customer_service", "fraud.acquaintance"}
	ex := make([]Example, 5000)
	for i := range ex {
		ex[i] = Example{Input: benchDoc(rng, vocab, 20+rng.IntN(200), i%len(labels), len(labels)), Label: labels[i%len(labels)]}
	}
	m, err := Train(context.Background(), ex, Options{Algorithm: algo, Epochs: 2})
	if err != nil {
		b.Fatal(err)
	}
	return m, rng, vocab
}

// BenchmarkClassify measures inference on documents of several lengths
// (features are extracted inside Classify; segmentation is not included).
func BenchmarkClassify(b *testing.B) {
	for _, algo := range []string{Logistic, NaiveBayes} {
		m, rng, vocab := benchModel(b, algo)
		for _, chars := range []int{40, 160, 640} {
			docs := make([]classify.Input, 64)
			for i := range docs {
				docs[i] = benchDoc(rng, vocab, chars, i%5, 5)
			}
			b.Run(fmt.Sprintf("%s/chars=%d/features=%d", algo, chars, m.NumFeatures()), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					m.Classify(docs[i%len(docs)])
					i++
				}
			})
		}
	}
}
