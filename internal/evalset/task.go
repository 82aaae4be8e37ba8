package evalset

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Item is a row with its gold class: Class is the targets joined with
// "|" ("none", "fraud.loan", "spam_ad|fraud|gambling").
type Item struct {
	Row
	Class   string
	Targets []string
}

// Labelled gives every row its gold class through m; with a nil map the
// row labels must themselves be targets. An unmapped or invalid label is
// an error naming the line.
func Labelled(rows []Row, m *Map) ([]Item, error) {
	items := make([]Item, len(rows))
	for i, r := range rows {
		var targets []string
		if m != nil {
			t, ok := m.Targets(r.Label)
			if !ok {
				return nil, fmt.Errorf("line %d: label %q is not in the map (mapped: %s)", r.Line, r.Label, strings.Join(m.Labels(), ", "))
			}
			targets = t
		} else {
			t, err := ParseTargets(r.Label)
			if err != nil {
				return nil, fmt.Errorf("line %d: label %q is not a category id; give a map: %w", r.Line, r.Label, err)
			}
			targets = t
		}
		items[i] = Item{Row: r, Class: strings.Join(targets, "|"), Targets: targets}
	}
	return items, nil
}

// Class is one evaluation class.
type Class struct {
	Name    string
	Targets []string
}

// Task turns a classifier's output into a predicted class.
//
// For category classes the prediction is the class whose best matching
// category scores highest, if that score is ≥ Threshold, else "none". A
// category matches a target when it is the target or one of its subtypes
// (fraud matches fraud.loan); categories matching no class are ignored.
//
// For sentiment classes the prediction is sentiment:positive when the
// sentiment is > 0, sentiment:negative when < 0, and sentiment:neutral
// (which is also what a neutral class is called) when it is 0.
type Task struct {
	Classes   []Class // "none" first, then by name
	Sentiment bool
	Threshold float64
}

// ErrMixedTask is returned for a map that mixes sentiment and categories.
var ErrMixedTask = errors.New("a data set's labels must be all sentiment or all categories/none")

// NewTask collects the classes of items.
func NewTask(items []Item, threshold float64) (*Task, error) {
	seen := map[string]bool{}
	t := &Task{Threshold: threshold}
	var sent, cat bool
	for _, it := range items {
		if seen[it.Class] {
			continue
		}
		seen[it.Class] = true
		t.Classes = append(t.Classes, Class{Name: it.Class, Targets: it.Targets})
		if strings.HasPrefix(it.Class, "sentiment:") {
			sent = true
		} else {
			cat = true
		}
	}
	if sent && cat {
		return nil, ErrMixedTask
	}
	t.Sentiment = sent
	slices.SortFunc(t.Classes, func(a, b Class) int {
		if (a.Name == None) != (b.Name == None) {
			if a.Name == None {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return t, nil
}

// Names lists the class names, plus the class a prediction falls back to
// ("none", or sentiment:neutral) when no gold row has it.
func (t *Task) Names() []string {
	var names []string
	for _, c := range t.Classes {
		names = append(names, c.Name)
	}
	fallback := None
	if t.Sentiment {
		fallback = SentimentNeutral
	}
	if !slices.Contains(names, fallback) {
		names = append(names, fallback)
	}
	return names
}

// Predict returns the predicted class name for a result with these
// category scores and sentiment.
func (t *Task) Predict(categories map[string]float64, sentiment float64) string {
	if t.Sentiment {
		switch {
		case sentiment > 0:
			return SentimentPositive
		case sentiment < 0:
			return SentimentNegative
		}
		return SentimentNeutral
	}
	best, bestScore := None, -1.0
	for _, c := range t.Classes {
		if c.Name == None {
			continue
		}
		if s := MatchScore(categories, c.Targets...); s >= t.Threshold && s > bestScore {
			best, bestScore = c.Name, s
		}
	}
	return best
}

// MatchScore is the highest score among categories that equal one of the
// targets or are a subtype of one; 0 when none matches.
func MatchScore(categories map[string]float64, targets ...string) float64 {
	var best float64
	for id, s := range categories {
		for _, t := range targets {
			if Matches(id, t) {
				best = max(best, s)
			}
		}
	}
	return best
}

// Matches reports whether category id is target or one of its subtypes.
func Matches(id, target string) bool {
	return id == target || strings.HasPrefix(id, target) && len(id) > len(target) && id[len(target)] == '.'
}
