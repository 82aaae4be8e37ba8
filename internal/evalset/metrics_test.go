package evalset

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

// handMatrix is the confusion matrix the expected figures below were
// computed from by hand:
//
//	gold\pred none a b
//	none        5  1 0
//	a           2  6 2
//	b           0  1 3
func handMatrix() *Confusion {
	c := NewConfusion([]string{"none", "a", "b"})
	add := func(g, p string, n int) {
		for range n {
			c.Add(g, p)
		}
	}
	add("none", "none", 5)
	add("none", "a", 1)
	add("a", "none", 2)
	add("a", "a", 6)
	add("a", "b", 2)
	add("b", "a", 1)
	add("b", "b", 3)
	return c
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

func TestScoresHandComputed(t *testing.T) {
	s := handMatrix().Scores(None)
	if s.N != 20 {
		t.Fatalf("N = %d", s.N)
	}
	near(t, "accuracy", s.Accuracy, 14.0/20)
	a, b := s.Classes[1], s.Classes[2]
	near(t, "a precision", a.Precision, 6.0/8)
	near(t, "a recall", a.Recall, 6.0/10)
	near(t, "a f1", a.F1, 2*0.75*0.6/1.35)
	near(t, "b precision", b.Precision, 3.0/5)
	near(t, "b recall", b.Recall, 3.0/4)
	near(t, "micro precision", s.Micro.Precision, 9.0/13)
	near(t, "micro recall", s.Micro.Recall, 9.0/14)
	near(t, "micro f1", s.Micro.F1, 18.0/27)
	near(t, "macro precision", s.Macro.Precision, (0.75+0.6)/2)
	near(t, "macro f1", s.Macro.F1, (a.F1+b.F1)/2)
	bin := s.Binary
	if bin == nil || bin.TP != 12 || bin.FP != 1 || bin.FN != 2 || bin.TN != 5 {
		t.Fatalf("binary = %+v", bin)
	}
	near(t, "binary f1", bin.F1, 24.0/27)
	near(t, "binary accuracy", bin.Accuracy, 17.0/20)
}

func TestConfusionGrowsAndMerges(t *testing.T) {
	c := NewConfusion([]string{"x"})
	c.Add("x", "y") // a prediction-only label appears as a column and a row
	if !slices.Equal(c.Labels, []string{"x", "y"}) || c.Counts[0][1] != 1 || len(c.Counts[1]) != 2 {
		t.Fatalf("%+v", c)
	}
	m := handMatrix()
	m.Merge(handMatrix())
	if s := m.Scores(None); s.N != 40 || math.Abs(s.Accuracy-0.7) > 1e-9 {
		t.Errorf("merged N=%d accuracy=%v", s.N, s.Accuracy)
	}
	if s := c.Scores(None); s.Binary != nil {
		t.Errorf("binary view without a none class: %+v", s.Binary)
	}
}

func TestAggregate(t *testing.T) {
	a := Scores{Accuracy: 0.8}
	b := Scores{Accuracy: 0.6}
	st := Aggregate([]Scores{a, b})
	if st[0].Name != "accuracy" || math.Abs(st[0].Mean-0.7) > 1e-9 || math.Abs(st[0].SD-math.Sqrt(0.02)) > 1e-9 {
		t.Errorf("accuracy stat = %+v", st[0])
	}
}

func TestWriteTables(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteConfusion(&buf, handMatrix()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("confusion table:\n%s", buf.String())
	}
	for _, l := range lines[1:] {
		if cellWidth(l) != cellWidth(lines[0]) {
			t.Errorf("ragged table:\n%s", buf.String())
		}
	}
	buf.Reset()
	WriteTable(&buf, []string{"标签", "n"}, [][]string{{"交通事故", "1"}, {"a", "22"}})
	got := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if cellWidth(got[0]) != cellWidth(got[1]) || cellWidth(got[1]) != cellWidth(got[2]) {
		t.Errorf("wide characters misaligned:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteScores(&buf, handMatrix().Scores(None)); err != nil || !strings.Contains(buf.String(), "binary: any vs none") {
		t.Errorf("scores table:\n%s (%v)", buf.String(), err)
	}
}

func TestAnyRate(t *testing.T) {
	a := NewAnyRate("incident", 0.5, []string{"society"})
	a.Add("sports", map[string]float64{"incident.fire": 0.6})
	a.Add("sports", map[string]float64{"incident.fire": 0.4, "incidental": 0.9})
	a.Add("society", map[string]float64{"incident.traffic": 0.9})
	if a.ByLabel[0].Rows != 2 || a.ByLabel[0].Hits != 1 || a.ByLabel[1].Hits != 1 {
		t.Errorf("by label %+v", a.ByLabel)
	}
	if a.Total.Rows != 2 || a.Total.Hits != 1 || a.Total.Rate != 0.5 {
		t.Errorf("total %+v", a.Total)
	}
	a.CountTyped(true)
	a.CountTyped(false)
	var buf bytes.Buffer
	if err := WriteAnyRate(&buf, a); err != nil || !strings.Contains(buf.String(), "1/2 (50.00%) have the right class") ||
		strings.Index(buf.String(), "society") > strings.Index(buf.String(), "sports") {
		t.Errorf("any-rate table (%v):\n%s", err, buf.String())
	}
}
