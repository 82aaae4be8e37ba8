package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// Example is one labelled training document.
type Example struct {
	Input classify.Input
	// Label is a category id (fraud.loan), sentiment:negative,
	// sentiment:positive, sentiment:neutral, or "" / "none" for a
	// negative example.
	Label string
}

// Options tune Train. The zero value trains logistic regression with
// defaults (on the fraud and Weibo sentiment sets it beats naive Bayes
// clearly; see QUALITY.md).
type Options struct {
	// Algorithm is Logistic (default) or NaiveBayes.
	Algorithm string
	// MinCount drops features found in fewer documents (default 2).
	MinCount int
	// Counts makes naive Bayes count a feature every time it occurs; by
	// default it counts it once per document, which suits short texts.
	Counts bool
	// Alpha is naive Bayes' Lidstone smoothing (default 0.1).
	Alpha float64
	// Epochs, LearningRate and L2 tune logistic regression (defaults 10,
	// 0.5 and 1e-6). Seed fixes the order examples are visited in.
	Epochs       int
	LearningRate float64
	L2           float64
	Seed         uint64
	// Progress, if set, is called as training advances (stage is
	// "features" or "epoch").
	Progress func(stage string, done, total int)
}

// Errors Train returns.
var (
	ErrNoData    = errors.New("model: no training examples")
	ErrOneClass  = errors.New("model: training needs at least two classes")
	ErrBadLabel  = errors.New("model: bad label")
	ErrAlgorithm = errors.New("model: unknown algorithm")
)

func (o Options) withDefaults() (Options, error) {
	if o.Algorithm == "" {
		o.Algorithm = Logistic
	}
	if o.Algorithm != NaiveBayes && o.Algorithm != Logistic {
		return o, fmt.Errorf("%w %q (want %s or %s)", ErrAlgorithm, o.Algorithm, NaiveBayes, Logistic)
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.1
	}
	if o.Epochs <= 0 {
		o.Epochs = 10
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.5
	}
	if o.L2 < 0 {
		o.L2 = 0
	} else if o.L2 == 0 {
		o.L2 = 1e-6
	}
	if o.Progress == nil {
		o.Progress = func(string, int, int) {}
	}
	return o, nil
}

var categoryID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// NormalizeLabel returns the canonical form of a training label: "" and
// "none" become LabelNone; sentiment labels and category ids (dot-joined
// lower-case words of letters, digits and '_' that start with a letter)
// are kept; anything else is ErrBadLabel.
func NormalizeLabel(l string) (string, error) {
	switch l {
	case "", LabelNone:
		return LabelNone, nil
	case LabelSentimentNegative, LabelSentimentPositive, LabelSentimentNeutral:
		return l, nil
	}
	if !categoryID.MatchString(l) {
		return "", fmt.Errorf("%w %q: want a category id like fraud.loan, sentiment:negative|positive|neutral or none", ErrBadLabel, l)
	}
	return l, nil
}

// docVec is a training document as distinct feature ids with counts.
type docVec struct {
	ids    []int32
	counts []float32
	class  int
}

// Train fits a model to examples. It returns ErrNoData, ErrOneClass,
// ErrBadLabel, ErrAlgorithm, or the context's error if ctx ends first.
// Training is deterministic: the same examples and options give the same
// model.
func Train(ctx context.Context, examples []Example, opt Options) (*Model, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return nil, ErrNoData
	}
	labels, classes, err := labelIndex(examples)
	if err != nil {
		return nil, err
	}
	if len(labels) < 2 {
		return nil, ErrOneClass
	}
	keys, docs, err := vectorize(ctx, examples, classes, opt)
	if err != nil {
		return nil, err
	}
	if opt.Algorithm == NaiveBayes {
		w, bias := trainNB(docs, len(keys), len(labels), opt)
		return newModel(NaiveBayes, labels, keys, w, bias, !opt.Counts, false), nil
	}
	w, bias, err := trainLR(ctx, docs, len(keys), len(labels), opt)
	if err != nil {
		return nil, err
	}
	return newModel(Logistic, labels, keys, w, bias, true, true), nil
}

// labelIndex normalises the labels and numbers them in sorted order.
func labelIndex(examples []Example) ([]string, []int, error) {
	norm := make([]string, len(examples))
	seen := map[string]bool{}
	for i, ex := range examples {
		l, err := NormalizeLabel(ex.Label)
		if err != nil {
			return nil, nil, fmt.Errorf("example %d: %w", i+1, err)
		}
		norm[i] = l
		seen[l] = true
	}
	labels := make([]string, 0, len(seen))
	for l := range seen {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	classes := make([]int, len(examples))
	for i, l := range norm {
		classes[i], _ = slices.BinarySearch(labels, l)
	}
	return labels, classes, nil
}

// vectorize extracts features, keeps those in at least MinCount
// documents (numbered in hash order, so ids are deterministic) and turns
// every example into a docVec.
func vectorize(ctx context.Context, examples []Example, classes []int, opt Options) ([]uint64, []docVec, error) {
	perDoc := make([][]uint64, len(examples))
	df := map[uint64]int32{}
	var buf []feature
	for i, ex := range examples {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			opt.Progress("features", i, len(examples))
		}
		buf = extract(ex.Input, buf[:0])
		ks := make([]uint64, len(buf))
		for j, f := range buf {
			ks[j] = f.key
		}
		slices.Sort(ks)
		perDoc[i] = ks
		for j, k := range ks {
			if j == 0 || ks[j-1] != k {
				df[k]++
			}
		}
	}
	opt.Progress("features", len(examples), len(examples))
	keys := make([]uint64, 0, len(df))
	for k, n := range df {
		if int(n) >= opt.MinCount {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	docs := make([]docVec, len(examples))
	for i, ks := range perDoc {
		d := docVec{class: classes[i]}
		for j := 0; j < len(ks); {
			n := 1
			for j+n < len(ks) && ks[j+n] == ks[j] {
				n++
			}
			if id, ok := slices.BinarySearch(keys, ks[j]); ok {
				d.ids = append(d.ids, int32(id))
				d.counts = append(d.counts, float32(n))
			}
			j += n
		}
		docs[i] = d
	}
	return keys, docs, nil
}

// trainNB estimates log P(feature | class) with Lidstone smoothing and the
// log class priors.
func trainNB(docs []docVec, v, k int, opt Options) (w, bias []float32) {
	n := make([]float64, v*k)
	total := make([]float64, k)
	prior := make([]float64, k)
	for _, d := range docs {
		prior[d.class]++
		for j, id := range d.ids {
			c := float64(d.counts[j])
			if !opt.Counts {
				c = 1
			}
			n[int(id)*k+d.class] += c
			total[d.class] += c
		}
	}
	w = make([]float32, v*k)
	for id := range v {
		for c := range k {
			w[id*k+c] = float32(math.Log((n[id*k+c] + opt.Alpha) / (total[c] + opt.Alpha*float64(v))))
		}
	}
	bias = make([]float32, k)
	for c := range k {
		bias[c] = float32(math.Log(prior[c] / float64(len(docs))))
	}
	return w, bias
}
