package classify

import "math"

// riskOf computes Result.Risk in [0, 1]:
//
//	base = max over categories c of severity(c) · score(c)
//	neg  = max(0, −sentiment)
//	risk = base + (1 − base) · negative_bump · neg   when base > 0
//	risk = negative_only · neg                        otherwise
//
// Severities and the two factors are in the rules file, so a harmful or
// incident category sets the level and strong negative sentiment pushes it
// up; negative sentiment alone never makes a document urgent.
func (c *RuleClassifier) riskOf(r Result) float64 {
	base := 0.0
	for id, sc := range r.Categories {
		if i := indexOf(id); i >= 0 {
			base = math.Max(base, c.severity[i]*sc)
		}
	}
	neg := math.Max(0, -r.Sentiment)
	if base > 0 {
		return round3(math.Min(1, base+(1-base)*c.risk.NegativeBump*neg))
	}
	return round3(c.risk.NegativeOnly * neg)
}

var taxonomyIndex = func() map[string]int {
	m := make(map[string]int, len(Taxonomy))
	for i, c := range Taxonomy {
		m[c.ID] = i
	}
	return m
}()

func indexOf(id string) int {
	if i, ok := taxonomyIndex[id]; ok {
		return i
	}
	return -1
}
