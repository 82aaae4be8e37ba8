package model

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

// Synthetic vocabularies: each class draws most words from its own list
// and some from the shared one, so the classes overlap like real text.
var (
	commonWords = strings.Fields("我们 今天 一个 没有 什么 这个 知道 已经 现在 因为 所以 但是 如果 还是 可以 大家 时候 情况 问题 工作")
	classWords  = map[string][]string{
		"none":                {"天气", "吃饭", "周末", "电影", "朋友", "公园", "晚上", "学习", "音乐", "散步"},
		"fraud.loan":          {"贷款", "额度", "放款", "利息", "征信", "无抵押", "审核", "秒批", "申请", "手续费"},
		"fraud.impersonation": {"公安局", "涉嫌", "洗钱", "通缉", "安全账户", "冻结", "警官", "配合", "调查", "保密"},
		"sentiment:positive":  {"开心", "喜欢", "漂亮", "感谢", "哈哈", "幸福", "棒", "赞", "美好", "期待"},
		"sentiment:negative":  {"难过", "讨厌", "生气", "失望", "郁闷", "糟糕", "累", "哭", "烦", "可怜"},
	}
)

// synthDoc builds a document of n words of class label.
func synthDoc(rng *rand.Rand, label string, n int) Example {
	own := classWords[label]
	words := make([]string, n)
	for i := range words {
		if rng.IntN(10) < 4 {
			words[i] = own[rng.IntN(len(own))]
		} else {
			words[i] = commonWords[rng.IntN(len(commonWords))]
		}
	}
	return Example{Input: classify.Input{Text: strings.Join(words, "，"), Words: words}, Label: label}
}

func synthSet(seed uint64, labels []string, perClass int) []Example {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ex []Example
	for range perClass {
		for _, l := range labels {
			ex = append(ex, synthDoc(rng, l, 4+rng.IntN(12)))
		}
	}
	return ex
}

// predicted is the best category of r, or none.
func predicted(r classify.Result, labels []string) string {
	best, bs := LabelNone, 0.5
	for _, l := range labels {
		if s := r.Categories[l]; s >= bs {
			best, bs = l, s
		}
	}
	return best
}

var fraudLabels = []string{"none", "fraud.loan", "fraud.impersonation"}

func trainSynth(t testing.TB, algo string) (*Model, []Example) {
	t.Helper()
	m, err := Train(context.Background(), synthSet(1, fraudLabels, 200), Options{Algorithm: algo})
	if err != nil {
		t.Fatal(err)
	}
	return m, synthSet(2, fraudLabels, 50)
}

func TestTrainPredict(t *testing.T) {
	for _, algo := range []string{NaiveBayes, Logistic} {
		t.Run(algo, func(t *testing.T) {
			m, test := trainSynth(t, algo)
			if m.Algorithm() != algo || len(m.Labels()) != 3 || m.NumFeatures() == 0 || m.HasSentiment() {
				t.Fatalf("model %s labels %v features %d", m.Algorithm(), m.Labels(), m.NumFeatures())
			}
			correct := 0
			for _, ex := range test {
				r := m.Classify(ex.Input)
				if predicted(r, fraudLabels) == ex.Label {
					correct++
				}
				for id, s := range r.Categories {
					if s < classify.MinScore || s > 1 {
						t.Fatalf("category %s score %v out of range", id, s)
					}
				}
				if ex.Label != "none" && r.Categories[ex.Label] >= 0.5 {
					checkEvidence(t, ex, r)
				}
			}
			if acc := float64(correct) / float64(len(test)); acc < 0.9 {
				t.Errorf("accuracy %.3f on held-out synthetic docs, want ≥ 0.9", acc)
			}
		})
	}
}

// checkEvidence wants the predicted category explained by its own words,
// with offsets that point at the term, and the parent category scored.
func checkEvidence(t *testing.T, ex Example, r classify.Result) {
	t.Helper()
	if r.Categories["fraud"] < r.Categories[ex.Label] {
		t.Errorf("parent fraud %v < %s %v", r.Categories["fraud"], ex.Label, r.Categories[ex.Label])
	}
	if r.Risk < r.Categories[ex.Label] {
		t.Errorf("risk %v below the category score", r.Risk)
	}
	n := 0
	for _, e := range r.Explanation {
		if e.Category != ex.Label {
			continue
		}
		n++
		if e.Weight <= 0 || ex.Input.Text[e.Start:e.End] != e.Term || e.Note == "" {
			t.Errorf("evidence %+v does not point at its term in %q", e, ex.Input.Text)
		}
	}
	if n == 0 || n > evidencePerCategory {
		t.Errorf("%d evidence items for %s: %+v", n, ex.Label, r.Explanation)
	}
}

func TestSentimentModel(t *testing.T) {
	labels := []string{"sentiment:positive", "sentiment:negative"}
	m, err := Train(context.Background(), synthSet(3, labels, 200), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasSentiment() {
		t.Fatal("HasSentiment = false")
	}
	correct, test := 0, synthSet(4, labels, 50)
	for _, ex := range test {
		r := m.Classify(ex.Input)
		if r.Categories != nil {
			t.Fatalf("sentiment model gave categories %v", r.Categories)
		}
		if (r.Sentiment > 0) == (ex.Label == "sentiment:positive") {
			correct++
		}
		if r.Sentiment < -1 || r.Sentiment > 1 {
			t.Fatalf("sentiment %v", r.Sentiment)
		}
	}
	if acc := float64(correct) / float64(len(test)); acc < 0.9 {
		t.Errorf("sentiment accuracy %.3f, want ≥ 0.9", acc)
	}
	r := m.Classify(classify.Input{Text: "开心 开心 喜欢", Words: []string{"开心", "开心", "喜欢"}})
	if r.Sentiment <= 0 || len(r.Explanation) == 0 || r.Explanation[0].Category != "sentiment" {
		t.Errorf("positive text: %+v", r)
	}
}

func TestTrainDeterministic(t *testing.T) {
	for _, algo := range []string{NaiveBayes, Logistic} {
		var files [2]bytes.Buffer
		for i := range files {
			m, _ := trainSynth(t, algo)
			if err := m.Save(&files[i]); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(files[0].Bytes(), files[1].Bytes()) {
			t.Errorf("%s: two trainings on the same data saved different files", algo)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	one := synthSet(1, []string{"fraud.loan"}, 3)
	tests := []struct {
		name string
		ex   []Example
		opt  Options
		want error
	}{
		{"no data", nil, Options{}, ErrNoData},
		{"one class", one, Options{}, ErrOneClass},
		{"bad label", append(synthSet(1, fraudLabels, 2), Example{Label: "Fraud Loan"}), Options{}, ErrBadLabel},
		{"bad algorithm", one, Options{Algorithm: "svm"}, ErrAlgorithm},
	}
	for _, tt := range tests {
		if _, err := Train(ctx, tt.ex, tt.opt); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Train(cancelled, synthSet(1, fraudLabels, 10), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestNormalizeLabel(t *testing.T) {
	for in, want := range map[string]string{"": "none", "none": "none", "fraud.loan": "fraud.loan",
		"sentiment:negative": "sentiment:negative", "spam_ad": "spam_ad"} {
		if got, err := NormalizeLabel(in); got != want || err != nil {
			t.Errorf("NormalizeLabel(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"Fraud", "fraud loan", "sentiment:angry", ".x", "x.", "0", "fraud.1"} {
		if _, err := NormalizeLabel(bad); !errors.Is(err, ErrBadLabel) {
			t.Errorf("NormalizeLabel(%q) err = %v", bad, err)
		}
	}
}

func TestConcurrentClassify(t *testing.T) {
	m, test := trainSynth(t, Logistic)
	want := make([]classify.Result, len(test))
	for i, ex := range test {
		want[i] = m.Classify(ex.Input)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, ex := range test {
				if got := m.Classify(ex.Input); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("doc %d: concurrent result differs", i)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestDecodeRune(t *testing.T) {
	s := "a诈骗é\xe4\xb8x🙂龥\xe4"
	for i := 0; i < len(s); {
		r, n := decodeRune(s, i)
		wr, wn := utf8.DecodeRuneInString(s[i:])
		if r != wr || n != wn {
			t.Fatalf("at %d: decodeRune = %q/%d, utf8 says %q/%d", i, r, n, wr, wn)
		}
		i += n
	}
}

func TestExtract(t *testing.T) {
	in := classify.Input{Text: "贷款, 秒批ok!", Words: []string{"贷款", "秒批", "ok"}}
	var got []string
	for _, f := range extract(in, nil) {
		ns := "b:"
		if f.isWord() {
			ns = "w:"
		}
		got = append(got, ns+featureText(in, f))
		if f.isWord() && f.key != hashFeature(nsWord, featureText(in, f)) || !f.isWord() && f.key != hashFeature(nsBigram, featureText(in, f)) {
			t.Errorf("feature %q has the wrong key", featureText(in, f))
		}
	}
	want := []string{"w:贷款", "w:秒批", "w:ok", "b:贷款", "b:秒批", "b:批o", "b:ok"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("features %v, want %v", got, want)
	}
	if hashFeature(nsWord, "贷款") == hashFeature(nsBigram, "贷款") {
		t.Error("word and bigram share a hash")
	}
}

// TestHashDistinct hashes many short strings of every length up to 20
// (the overlapping loads must still tell them apart) and wants no
// collision.
func TestHashDistinct(t *testing.T) {
	seen := map[uint64]string{}
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 0; n <= 20; n++ {
		for range 5000 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte('a' + rng.IntN(3))
			}
			s := string(b)
			h := hashFeature(nsBigram, s)
			if prev, ok := seen[h]; ok && prev != s {
				t.Fatalf("%q and %q collide", prev, s)
			}
			seen[h] = s
		}
	}
	if len(seen) < 50000 {
		t.Errorf("only %d distinct strings hashed", len(seen))
	}
}
