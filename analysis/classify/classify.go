package classify

// Input is what a classifier sees of one document. Text is already
// normalised by the analysis stage (traditional → simplified, full-width →
// half-width, lower-case, HTML stripped, white space folded, personal data
// masked with '*'); offsets in Evidence are byte offsets into Text.
type Input struct {
	Text string
	// Words are gse's segmentation of Text (main words, no sub-words), in
	// order; punctuation-only runs are already dropped.
	Words []string
	// Kind is the Post kind ("post", "comment", "article", "sms"); models
	// may use it as a feature.
	Kind string
}

// Evidence is one reason a category or the sentiment scored: a term or
// pattern that matched, where, with what weight, and what changed it.
type Evidence struct {
	Category string  `json:"category"` // category id, or "sentiment"
	Term     string  `json:"term"`
	Start    int     `json:"start"`
	End      int     `json:"end"`
	Weight   float64 `json:"weight"`
	// Note says why a hit was discounted or cancelled, e.g.
	// "context 演习", "negated by 不是"; empty for a plain hit.
	Note string `json:"note,omitempty"`
}

// Result is a classifier's verdict on one document.
type Result struct {
	// Categories maps category ids (see Taxonomy) to scores in [0, 1];
	// only scores ≥ MinScore are kept.
	Categories map[string]float64 `json:"categories,omitempty"`
	// Sentiment is in [-1, 1]: negative below 0.
	Sentiment float64 `json:"sentiment"`
	// Risk is in [0, 1]: how urgently a human should look.
	Risk float64 `json:"risk"`
	// Explanation lists the evidence behind Categories and Sentiment.
	Explanation []Evidence `json:"explanation,omitempty"`
}

// MinScore is the lowest category score a Result keeps.
const MinScore = 0.1

// Classifier scores documents. Implementations are safe for concurrent use.
type Classifier interface {
	Classify(in Input) Result
}
