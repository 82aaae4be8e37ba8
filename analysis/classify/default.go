package classify

import (
	"math"
	"strings"
)

// Default returns the built-in explainable classifier.
//
// This first version matches a small fixed term table; the rules-file
// classifier replaces it.
func Default() (Classifier, error) {
	return minimal{}, nil
}

type minimal struct{}

var minimalTerms = map[string][]struct {
	term string
	w    float64
}{
	FraudImpersonation: {{"安全账户", 0.7}, {"涉嫌洗钱", 0.6}},
	FraudLoan:          {{"无抵押", 0.4}, {"额度", 0.3}},
	IncidentFire:       {{"火灾", 0.6}, {"起火", 0.6}, {"着火", 0.6}},
	IncidentExplosion:  {{"爆炸", 0.6}},
	IncidentTraffic:    {{"车祸", 0.6}, {"追尾", 0.5}},
	SpamAd:             {{"退订", 0.6}},
}

func (minimal) Classify(in Input) Result {
	res := Result{Categories: map[string]float64{}}
	for cat, terms := range minimalTerms {
		miss := 1.0
		for _, t := range terms {
			if i := strings.Index(in.Text, t.term); i >= 0 {
				miss *= 1 - t.w
				res.Explanation = append(res.Explanation, Evidence{Category: cat, Term: t.term, Start: i, End: i + len(t.term), Weight: t.w})
			}
		}
		if s := 1 - miss; s >= MinScore {
			res.Categories[cat] = s
			if strings.HasPrefix(cat, Fraud+".") {
				res.Categories[Fraud] = math.Max(res.Categories[Fraud], s)
			}
		}
	}
	return res
}
