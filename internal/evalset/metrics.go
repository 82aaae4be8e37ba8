package evalset

import "math"

// Confusion is a confusion matrix: Counts[g][p] rows of gold class
// Labels[g] predicted as Labels[p].
type Confusion struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
	index  map[string]int
}

// NewConfusion starts an empty matrix over labels; labels met later in
// Add are appended.
func NewConfusion(labels []string) *Confusion {
	c := &Confusion{index: map[string]int{}}
	for _, l := range labels {
		c.label(l)
	}
	return c
}

func (c *Confusion) label(l string) int {
	if i, ok := c.index[l]; ok {
		return i
	}
	i := len(c.Labels)
	c.index[l] = i
	c.Labels = append(c.Labels, l)
	for g := range c.Counts {
		c.Counts[g] = append(c.Counts[g], 0)
	}
	c.Counts = append(c.Counts, make([]int, len(c.Labels)))
	return i
}

// Add counts one row.
func (c *Confusion) Add(gold, pred string) {
	g, p := c.label(gold), c.label(pred)
	c.Counts[g][p]++
}

// Merge adds the counts of o.
func (c *Confusion) Merge(o *Confusion) {
	for g, row := range o.Counts {
		for p, n := range row {
			if n > 0 {
				gi, pi := c.label(o.Labels[g]), c.label(o.Labels[p])
				c.Counts[gi][pi] += n
			}
		}
	}
}

// PRF is precision, recall and F1.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func prf(tp, predicted, support int) PRF {
	var s PRF
	if predicted > 0 {
		s.Precision = float64(tp) / float64(predicted)
	}
	if support > 0 {
		s.Recall = float64(tp) / float64(support)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// ClassScore is one class's figures.
type ClassScore struct {
	Class     string `json:"class"`
	Support   int    `json:"support"`   // gold rows
	Predicted int    `json:"predicted"` // rows predicted as the class
	TP        int    `json:"tp"`
	PRF
}

// Binary is the two-class view: positive = any class but none.
type Binary struct {
	TP, FP, FN, TN int
	PRF
	Accuracy float64 `json:"accuracy"`
}

// Scores are the figures of one confusion matrix.
type Scores struct {
	N        int          `json:"n"`
	Accuracy float64      `json:"accuracy"`
	Classes  []ClassScore `json:"classes"`
	// Micro and Macro average over the positive classes (every class but
	// none) that have gold rows; with no none class Micro.F1 = Accuracy.
	Micro PRF `json:"micro"`
	Macro PRF `json:"macro"`
	// Binary is set when none is among the gold classes.
	Binary *Binary `json:"binary,omitempty"`
}

// Scores computes the figures; negative is the name of the negative
// class ("none").
func (c *Confusion) Scores(negative string) Scores {
	var s Scores
	k := len(c.Labels)
	rowSum, colSum := make([]int, k), make([]int, k)
	var correct int
	for g := range k {
		for p := range k {
			n := c.Counts[g][p]
			s.N += n
			rowSum[g] += n
			colSum[p] += n
			if g == p {
				correct += n
			}
		}
	}
	if s.N > 0 {
		s.Accuracy = float64(correct) / float64(s.N)
	}
	var tp, pred, sup, nClasses int
	for i, l := range c.Labels {
		cs := ClassScore{Class: l, Support: rowSum[i], Predicted: colSum[i], TP: c.Counts[i][i]}
		cs.PRF = prf(cs.TP, cs.Predicted, cs.Support)
		s.Classes = append(s.Classes, cs)
		if l == negative || cs.Support == 0 {
			continue
		}
		tp, pred, sup = tp+cs.TP, pred+cs.Predicted, sup+cs.Support
		s.Macro.Precision += cs.Precision
		s.Macro.Recall += cs.Recall
		s.Macro.F1 += cs.F1
		nClasses++
	}
	s.Micro = prf(tp, pred, sup)
	if nClasses > 0 {
		s.Macro.Precision /= float64(nClasses)
		s.Macro.Recall /= float64(nClasses)
		s.Macro.F1 /= float64(nClasses)
	}
	if ni, ok := c.index[negative]; ok && rowSum[ni] > 0 {
		s.Binary = c.binary(ni)
	}
	return s
}

func (c *Confusion) binary(neg int) *Binary {
	var b Binary
	for g, row := range c.Counts {
		for p, n := range row {
			switch {
			case g != neg && p != neg:
				b.TP += n
			case g == neg && p != neg:
				b.FP += n
			case g != neg && p == neg:
				b.FN += n
			default:
				b.TN += n
			}
		}
	}
	b.PRF = prf(b.TP, b.TP+b.FP, b.TP+b.FN)
	if n := b.TP + b.FP + b.FN + b.TN; n > 0 {
		b.Accuracy = float64(b.TP+b.TN) / float64(n)
	}
	return &b
}

// Metric is one named figure, for averaging over folds.
type Metric struct {
	Name  string
	Value float64
}

// Flatten lists the figures of s by name: accuracy, micro/macro P/R/F1,
// binary P/R/F1 and per-class P/R/F1 ("class fraud.loan f1").
func (s Scores) Flatten() []Metric {
	m := []Metric{{"accuracy", s.Accuracy}}
	add := func(prefix string, p PRF) {
		m = append(m, Metric{prefix + " precision", p.Precision}, Metric{prefix + " recall", p.Recall}, Metric{prefix + " f1", p.F1})
	}
	add("micro", s.Micro)
	add("macro", s.Macro)
	if s.Binary != nil {
		add("binary", s.Binary.PRF)
	}
	for _, c := range s.Classes {
		if c.Support > 0 {
			add("class "+c.Class, c.PRF)
		}
	}
	return m
}

// Stat is a metric's mean and sample standard deviation over folds.
type Stat struct {
	Name string  `json:"name"`
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	N    int     `json:"n"`
}

// Aggregate averages the flattened metrics of several folds, in the order
// the names first appear.
func Aggregate(folds []Scores) []Stat {
	var order []string
	vals := map[string][]float64{}
	for _, f := range folds {
		for _, m := range f.Flatten() {
			if _, ok := vals[m.Name]; !ok {
				order = append(order, m.Name)
			}
			vals[m.Name] = append(vals[m.Name], m.Value)
		}
	}
	out := make([]Stat, 0, len(order))
	for _, name := range order {
		out = append(out, meanSD(name, vals[name]))
	}
	return out
}

func meanSD(name string, v []float64) Stat {
	st := Stat{Name: name, N: len(v)}
	for _, x := range v {
		st.Mean += x
	}
	st.Mean /= float64(len(v))
	if len(v) > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - st.Mean) * (x - st.Mean)
		}
		st.SD = math.Sqrt(ss / float64(len(v)-1))
	}
	return st
}
