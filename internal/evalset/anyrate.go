package evalset

// Rate is how many of a group of rows got a hit.
type Rate struct {
	Label string  `json:"label"`
	Rows  int     `json:"rows"`
	Hits  int     `json:"hits"`
	Rate  float64 `json:"rate"`
}

// AnyRate counts, per dataset label, the rows where some category equal
// to Prefix or under it (Prefix "incident" matches incident.fire) scores
// ≥ Threshold. Rows with a label in Exclude count in their own line but
// not in Total.
type AnyRate struct {
	Prefix    string          `json:"prefix"`
	Threshold float64         `json:"threshold"`
	Exclude   map[string]bool `json:"exclude,omitempty"`
	ByLabel   []Rate          `json:"by_label"`
	Total     Rate            `json:"total"`
	// Typed and TypedCorrect count, when the rows also have gold classes,
	// the hits and those whose predicted class is the gold one (CountTyped).
	Typed        int `json:"typed_hits,omitempty"`
	TypedCorrect int `json:"typed_hits_correct,omitempty"`
	index        map[string]int
}

// NewAnyRate starts counting hits of prefix at threshold.
func NewAnyRate(prefix string, threshold float64, exclude []string) *AnyRate {
	a := &AnyRate{Prefix: prefix, Threshold: threshold, index: map[string]int{}, Total: Rate{Label: "total"}}
	if len(exclude) > 0 {
		a.Exclude = map[string]bool{}
		for _, l := range exclude {
			a.Exclude[l] = true
		}
		a.Total.Label = "total (excluding labels)"
	}
	return a
}

// Hit reports whether categories contain a score ≥ threshold under prefix.
func (a *AnyRate) Hit(categories map[string]float64) bool {
	for id, s := range categories {
		if s >= a.Threshold && Matches(id, a.Prefix) {
			return true
		}
	}
	return false
}

// CountTyped counts a row with a hit whose predicted class was (correct)
// or was not the gold class; call it only for rows where Hit is true.
func (a *AnyRate) CountTyped(correct bool) {
	a.Typed++
	if correct {
		a.TypedCorrect++
	}
}

// Add counts one row with dataset label label.
func (a *AnyRate) Add(label string, categories map[string]float64) {
	i, ok := a.index[label]
	if !ok {
		i = len(a.ByLabel)
		a.index[label] = i
		a.ByLabel = append(a.ByLabel, Rate{Label: label})
	}
	hit := a.Hit(categories)
	count := func(r *Rate) {
		r.Rows++
		if hit {
			r.Hits++
		}
		r.Rate = float64(r.Hits) / float64(r.Rows)
	}
	count(&a.ByLabel[i])
	if !a.Exclude[label] {
		count(&a.Total)
	}
}
