package model

import (
	"math"
	"strings"
	"sync"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// Algorithms Train knows.
const (
	// NaiveBayes is multinomial naive Bayes with Lidstone smoothing.
	NaiveBayes = "nb"
	// Logistic is multinomial logistic regression (softmax) trained with
	// AdaGrad and L2 regularisation on L2-normalised binary features.
	Logistic = "lr"
)

// Label values with a meaning of their own. Any other label is a category id.
const (
	LabelNone              = "none"
	LabelSentimentNegative = "sentiment:negative"
	LabelSentimentPositive = "sentiment:positive"
	LabelSentimentNeutral  = "sentiment:neutral"
)

// evidencePerCategory is how many features explain each category.
const evidencePerCategory = 5

// Model is a trained linear text classifier. Scores are
// bias[c] + Σ value(f)·w[f][c] over the known features f of a document,
// turned into posterior probabilities with a softmax; features the model
// never saw are ignored. A Model is immutable and safe for concurrent use.
type Model struct {
	algo   string
	labels []string
	keys   []uint64  // feature hash per feature id
	w      []float32 // len(keys)·len(labels), row-major by feature id
	bias   []float32
	// binary counts a feature once per document; norm scales feature
	// values by 1/√(distinct known features).
	binary, norm bool

	vocab    table
	notes    [2]string // Evidence.Note for a word, a bigram
	parents  []string  // taxonomy parent per label, "" if none
	k        int
	pos, neg int // index of the sentiment labels, -1 if absent
	pool     sync.Pool
}

var _ classify.Classifier = (*Model)(nil)

// newModel derives the lookup structures from the stored fields.
func newModel(algo string, labels []string, keys []uint64, w, bias []float32, binary, norm bool) *Model {
	m := &Model{algo: algo, labels: labels, keys: keys, w: w, bias: bias, binary: binary, norm: norm,
		k: len(labels), pos: -1, neg: -1}
	m.vocab = newTable(keys, w, len(labels))
	m.notes = [2]string{"model " + algo + ": word", "model " + algo + ": character bigram"}
	m.parents = make([]string, len(labels))
	for i, l := range labels {
		m.parents[i] = parentOf(l)
		switch l {
		case LabelSentimentPositive:
			m.pos = i
		case LabelSentimentNegative:
			m.neg = i
		}
	}
	m.pool.New = func() any { return &scratch{} }
	return m
}

// Algorithm is NaiveBayes or Logistic.
func (m *Model) Algorithm() string { return m.algo }

// Labels are the classes the model was trained on, "none" for negatives.
func (m *Model) Labels() []string { return append([]string(nil), m.labels...) }

// NumFeatures is the size of the model's vocabulary.
func (m *Model) NumFeatures() int { return len(m.keys) }

// HasSentiment reports whether the model was trained with sentiment labels
// and so sets Result.Sentiment.
func (m *Model) HasSentiment() bool { return m.pos >= 0 || m.neg >= 0 }

// scratch is the per-call working memory, pooled.
type scratch struct {
	feats   []feature
	uniq    []uniqFeat
	seen    dedup
	scores  []float64
	cats    []scored
	explain []explained
}

// uniqFeat is one distinct known feature of a document.
type uniqFeat struct {
	off   int32 // offset of its weights in Model.vocab
	first int32 // index of its first occurrence in scratch.feats
	count float64
}

// Classify scores in. Category scores are posterior probabilities (a
// parent in the taxonomy, e.g. fraud, gets the summed probability of its
// trained subtypes); scores below classify.MinScore are dropped. Sentiment
// is P(positive) − P(negative) when the model knows sentiment labels, else
// 0. Risk is the highest category score. Explanation lists, per kept
// category and for the sentiment, the features that pushed hardest
// towards it against the runner-up class, with their weight in nats.
func (m *Model) Classify(in classify.Input) classify.Result {
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	sc.feats = extract(in, sc.feats[:0])
	sc.uniq = m.distinct(sc)
	probs := m.posterior(sc)
	return m.result(in, sc, probs)
}

// distinct collapses the features of sc.feats to the distinct ones the
// model knows. Duplicates go first (the set is small and cached), then
// the distinct keys are looked up in a tight loop whose iterations are
// independent, so the processor overlaps their cache misses.
func (m *Model) distinct(sc *scratch) []uniqFeat {
	sc.seen.reset(len(sc.feats))
	uniq := sc.uniq[:0]
	for i, f := range sc.feats {
		s, seen := sc.seen.slot(f.key)
		if seen {
			uniq[s.idx].count++
			continue
		}
		s.idx = int32(len(uniq))
		uniq = append(uniq, uniqFeat{first: int32(i), count: 1})
	}
	known := uniq[:0]
	for _, u := range uniq {
		if off, ok := m.vocab.get(sc.feats[u.first].key); ok {
			u.off = off
			known = append(known, u)
		}
	}
	return known
}

// value is the input value of a feature seen count times in a document
// with n distinct known features.
func (m *Model) value(count float64, n int) float64 {
	v := count
	if m.binary {
		v = 1
	}
	if m.norm && n > 0 {
		v /= math.Sqrt(float64(n))
	}
	return v
}

// posterior computes the class probabilities into sc.scores.
func (m *Model) posterior(sc *scratch) []float64 {
	if cap(sc.scores) < m.k {
		sc.scores = make([]float64, m.k)
	}
	s := sc.scores[:m.k]
	for c := range s {
		s[c] = float64(m.bias[c])
	}
	v1 := m.value(1, len(sc.uniq))
	for _, u := range sc.uniq {
		v := v1
		if !m.binary {
			v = m.value(u.count, len(sc.uniq))
		}
		for c, w := range m.vocab.row(u.off) {
			s[c] += v * float64(w)
		}
	}
	softmax(s)
	return s
}

func softmax(s []float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range s {
		s[i] = math.Exp(v - mx)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

func (m *Model) sentiment(probs []float64) float64 {
	var s float64
	if m.pos >= 0 {
		s += probs[m.pos]
	}
	if m.neg >= 0 {
		s -= probs[m.neg]
	}
	return s
}

// isCategory reports whether a label is a category id (not none, not sentiment).
func isCategory(l string) bool {
	return l != LabelNone && !strings.HasPrefix(l, "sentiment:")
}

// parentOf is the taxonomy parent of a trained category id, or "".
func parentOf(id string) string {
	if c, ok := classify.Lookup(id); ok {
		return c.Parent
	}
	return ""
}
