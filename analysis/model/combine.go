package model

import "github.com/yuqing-dev/yuqing/analysis/classify"

// sentimentModel is implemented by classifiers that may or may not set
// Result.Sentiment (a *Model trained without sentiment labels leaves it 0).
type sentimentModel interface {
	HasSentiment() bool
}

// Combine returns a classifier that runs the default (rules) classifier
// def and a trained classifier and merges their Results:
//
//   - Categories: per category the higher of the two scores, so a trained
//     model adds categories and can raise, never lower, a rules score;
//   - Sentiment: the trained model's when it was trained with sentiment
//     labels (HasSentiment), otherwise def's; the evidence of the other
//     one's sentiment is dropped;
//   - Risk: the higher of the two;
//   - Explanation: def's evidence, then the trained model's.
//
// The combination is safe for concurrent use when both parts are.
func Combine(def, trained classify.Classifier) classify.Classifier {
	sm, ok := trained.(sentimentModel)
	return combined{def: def, trained: trained, trainedSentiment: ok && sm.HasSentiment()}
}

type combined struct {
	def, trained     classify.Classifier
	trainedSentiment bool
}

func (c combined) Classify(in classify.Input) classify.Result {
	a, b := c.def.Classify(in), c.trained.Classify(in)
	out := classify.Result{Sentiment: a.Sentiment, Risk: max(a.Risk, b.Risk)}
	if c.trainedSentiment {
		out.Sentiment = b.Sentiment
	}
	if len(a.Categories)+len(b.Categories) > 0 {
		out.Categories = make(map[string]float64, len(a.Categories)+len(b.Categories))
		for id, s := range a.Categories {
			out.Categories[id] = s
		}
		for id, s := range b.Categories {
			out.Categories[id] = max(out.Categories[id], s)
		}
	}
	out.Explanation = make([]classify.Evidence, 0, len(a.Explanation)+len(b.Explanation))
	for _, e := range a.Explanation {
		if e.Category != "sentiment" || !c.trainedSentiment {
			out.Explanation = append(out.Explanation, e)
		}
	}
	for _, e := range b.Explanation {
		if e.Category != "sentiment" || c.trainedSentiment {
			out.Explanation = append(out.Explanation, e)
		}
	}
	if len(out.Explanation) == 0 {
		out.Explanation = nil
	}
	return out
}
