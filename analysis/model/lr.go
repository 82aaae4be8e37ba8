package model

import (
	"context"
	"math"
	"math/rand/v2"
)

// trainLR fits softmax regression with AdaGrad. Feature values are binary
// and scaled by 1/√n (n distinct known features of the document), the
// same as Classify computes them. L2 regularisation is applied to the
// weights a step touches ("lazy" L2), which keeps steps sparse.
func trainLR(ctx context.Context, docs []docVec, v, k int, opt Options) (w, bias []float32, err error) {
	w = make([]float32, v*k)
	g2 := make([]float32, v*k)
	b := make([]float64, k)
	bg2 := make([]float64, k)
	prior := make([]float64, k)
	for _, d := range docs {
		prior[d.class]++
	}
	for c := range k {
		b[c] = math.Log(prior[c] / float64(len(docs)))
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	s := make([]float64, k)
	const eps = 1e-8
	eta, l2 := opt.LearningRate, opt.L2
	for epoch := range opt.Epochs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		opt.Progress("epoch", epoch, opt.Epochs)
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, di := range order {
			d := &docs[di]
			if len(d.ids) == 0 {
				continue
			}
			x := 1 / math.Sqrt(float64(len(d.ids)))
			copy(s, b)
			for _, id := range d.ids {
				row := w[int(id)*k : int(id)*k+k]
				for c := range row {
					s[c] += x * float64(row[c])
				}
			}
			softmax(s)
			s[d.class]--
			for c := range k {
				bg2[c] += s[c] * s[c]
				b[c] -= eta * s[c] / (math.Sqrt(bg2[c]) + eps)
			}
			for _, id := range d.ids {
				base := int(id) * k
				for c := range k {
					g := s[c]*x + l2*float64(w[base+c])
					g2[base+c] += float32(g * g)
					w[base+c] -= float32(eta * g / (math.Sqrt(float64(g2[base+c])) + eps))
				}
			}
		}
	}
	opt.Progress("epoch", opt.Epochs, opt.Epochs)
	bias = make([]float32, k)
	for c := range k {
		bias[c] = float32(b[c])
	}
	return w, bias, nil
}
