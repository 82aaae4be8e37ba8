package evalset

import (
	"errors"
	"slices"
	"testing"
)

func classesOf(counts map[string]int) []string {
	var c []string
	for _, name := range []string{"none", "a", "b", "c"} {
		for range counts[name] {
			c = append(c, name)
		}
	}
	return c
}

func TestKFoldStratified(t *testing.T) {
	classes := classesOf(map[string]int{"none": 103, "a": 21, "b": 10, "c": 3})
	folds, err := KFold(classes, 5, 42)
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, len(classes))
	for fi, f := range folds {
		if !slices.IsSorted(f) {
			t.Errorf("fold %d not sorted", fi)
		}
		per := map[string]int{}
		for _, i := range f {
			seen[i]++
			per[classes[i]]++
		}
		// Each class is spread evenly: 103/5 → 20 or 21, 21/5 → 4 or 5, 10/5 → 2.
		if per["none"] < 20 || per["none"] > 21 || per["a"] < 4 || per["a"] > 5 || per["b"] != 2 || per["c"] > 1 {
			t.Errorf("fold %d class counts %v", fi, per)
		}
		if len(f) < len(classes)/5 || len(f) > len(classes)/5+1 {
			t.Errorf("fold %d has %d rows", fi, len(f))
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("row %d is in %d folds", i, n)
		}
	}
	again, _ := KFold(classes, 5, 42)
	for i := range folds {
		if !slices.Equal(folds[i], again[i]) {
			t.Fatal("same seed, different folds")
		}
	}
	other, _ := KFold(classes, 5, 43)
	if slices.Equal(folds[0], other[0]) {
		t.Error("different seed, same first fold")
	}
	if _, err := KFold(classes, 1, 1); !errors.Is(err, ErrSplit) {
		t.Errorf("k=1: %v", err)
	}
}

func TestTrainTest(t *testing.T) {
	classes := classesOf(map[string]int{"none": 50, "a": 10, "c": 2})
	train, test, err := TrainTest(classes, 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, i := range test {
		per[classes[i]]++
	}
	if per["none"] != 10 || per["a"] != 2 || per["c"] != 1 {
		t.Errorf("test class counts %v", per)
	}
	if len(train)+len(test) != len(classes) {
		t.Errorf("%d + %d rows", len(train), len(test))
	}
	if got := Complement(len(classes), test); !slices.Equal(got, train) {
		t.Error("Complement(test) != train")
	}
	train2, test2, _ := TrainTest(classes, 0.2, 7)
	if !slices.Equal(train, train2) || !slices.Equal(test, test2) {
		t.Error("not deterministic")
	}
	if _, _, err := TrainTest(classes, 1, 7); !errors.Is(err, ErrSplit) {
		t.Errorf("fraction 1: %v", err)
	}
}
