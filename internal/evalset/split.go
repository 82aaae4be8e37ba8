package evalset

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// ErrSplit is returned for an impossible split.
var ErrSplit = errors.New("bad split")

// strata groups row indexes by class, classes in sorted order, each group
// shuffled by rng.
func strata(classes []string, rng *rand.Rand) [][]int {
	groups := map[string][]int{}
	for i, c := range classes {
		groups[c] = append(groups[c], i)
	}
	names := make([]string, 0, len(groups))
	for c := range groups {
		names = append(names, c)
	}
	slices.Sort(names)
	out := make([][]int, 0, len(names))
	for _, c := range names {
		g := groups[c]
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		out = append(out, g)
	}
	return out
}

// KFold splits the rows (given by their classes) into k stratified folds
// and returns each fold's row indexes, sorted. Every class is spread as
// evenly as possible over the folds and fold sizes differ by at most one.
// The split depends only on classes, k and seed.
func KFold(classes []string, k int, seed uint64) ([][]int, error) {
	if k < 2 || k > len(classes) {
		return nil, fmt.Errorf("%w: %d folds of %d rows", ErrSplit, k, len(classes))
	}
	folds := make([][]int, k)
	next := 0
	for _, g := range strata(classes, rand.New(rand.NewPCG(seed, 0x6b666f6c64))) {
		for _, i := range g {
			folds[next] = append(folds[next], i)
			next = (next + 1) % k
		}
	}
	for _, f := range folds {
		slices.Sort(f)
	}
	return folds, nil
}

// TrainTest splits the rows into a training and a test set, stratified:
// each class contributes round(testFraction·n) rows to the test set (at
// least one when it has two or more rows). Both index lists are sorted.
func TrainTest(classes []string, testFraction float64, seed uint64) (train, test []int, err error) {
	if testFraction <= 0 || testFraction >= 1 {
		return nil, nil, fmt.Errorf("%w: test fraction %v not in (0, 1)", ErrSplit, testFraction)
	}
	for _, g := range strata(classes, rand.New(rand.NewPCG(seed, 0x7473706c6974))) {
		n := int(testFraction*float64(len(g)) + 0.5)
		if n == 0 && len(g) >= 2 {
			n = 1
		}
		test = append(test, g[:n]...)
		train = append(train, g[n:]...)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test, nil
}

// Complement returns the indexes in [0, n) that are not in sorted.
func Complement(n int, sorted []int) []int {
	out := make([]int, 0, n-len(sorted))
	j := 0
	for i := range n {
		if j < len(sorted) && sorted[j] == i {
			j++
			continue
		}
		out = append(out, i)
	}
	return out
}
