package analysis

import (
	"bufio"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Keyword is one of a document's top words with its TF-IDF weight.
type Keyword struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// Keywords ranks the words of a document by TF-IDF and returns the top n
// (n ≤ 0: 10). IDF comes from gse's embedded table (jieba's, from a large
// general corpus); unknown words get the median IDF, so new domain terms
// rank high. Stop words (gse's list plus a few web-post fillers),
// single characters, numbers, links, @mentions and masked personal data are
// skipped. Sub-words count as occurrences (发生爆炸 also counts 爆炸), the
// way search-mode segmentation feeds TF-IDF. Weights are normalised so the
// top keyword has 1. The result is never nil.
func Keywords(toks []Token, n int) []Keyword {
	if n <= 0 {
		n = 10
	}
	idf := loadIDF()
	tf := tfPool.Get().(map[string]int)
	defer func() { clear(tf); tfPool.Put(tf) }()
	for _, t := range toks {
		if !keywordCandidate(idf, t.Term) {
			continue
		}
		tf[t.Term]++
	}
	out := make([]Keyword, 0, len(tf))
	for term, c := range tf {
		w, ok := idf.table[term]
		if !ok {
			w = idf.median
		}
		out = append(out, Keyword{Term: term, Weight: float64(c) * float64(w)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Term < out[j].Term
	})
	if len(out) > n {
		out = out[:n]
	}
	if len(out) > 0 {
		top := out[0].Weight
		for i := range out {
			out[i].Weight = math.Round(out[i].Weight/top*1000) / 1000
		}
	}
	return out
}

var tfPool = sync.Pool{New: func() any { return make(map[string]int, 128) }}

func keywordCandidate(idf *idfTable, term string) bool {
	if len(term) < 2 || utf8.RuneCountInString(term) < 2 {
		return false
	}
	if c := term[0]; c < utf8.RuneSelf {
		// ASCII start: numbers, links, mentions and masks are not keywords.
		if c == '@' || c == '*' || strings.HasPrefix(term, "http") || strings.HasPrefix(term, "www.") || isNumber(term) {
			return false
		}
	}
	if strings.ContainsRune(term, '*') || strings.Contains(term, "＊") {
		return false
	}
	return !idf.stop[term]
}

// isNumber reports whether term is digits with separators (1,000 / 3.5).
func isNumber(term string) bool {
	for i := 0; i < len(term); i++ {
		if c := term[i]; (c < '0' || c > '9') && c != '.' && c != ',' && c != '-' && c != '+' && c != '%' {
			return false
		}
	}
	return true
}

type idfTable struct {
	table  map[string]float32
	median float32
	stop   map[string]bool
}

var (
	idfOnce sync.Once
	idf     *idfTable
)

// extraStop are fillers common in posts that gse's stop list lacks.
var extraStop = []string{"我们", "你们", "他们", "这个", "那个", "什么", "怎么", "没有", "就是", "还是", "已经",
	"目前", "今天", "昨天", "现在", "一个", "自己", "这样", "可以", "大家", "知道", "觉得", "真的", "转发",
	"微博", "网友", "视频", "图片", "链接", "全文", "记者", "报道", "消息", "表示", "进行", "相关", "有关"}

func loadIDF() *idfTable {
	idfOnce.Do(func() {
		t := &idfTable{table: make(map[string]float32, 280000), stop: map[string]bool{}}
		sc := bufio.NewScanner(strings.NewReader(gse.ZhIdf))
		var vals []float32
		for sc.Scan() {
			word, v, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 32)
			if err != nil {
				continue
			}
			t.table[word] = float32(f)
			vals = append(vals, float32(f))
		}
		sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
		if len(vals) > 0 {
			t.median = vals[len(vals)/2]
		}
		var seg gse.Segmenter
		seg.LoadStopEmbed()
		for w := range seg.StopWordMap {
			t.stop[w] = true
		}
		for _, w := range extraStop {
			t.stop[w] = true
		}
		idf = t
	})
	return idf
}
