package simhash

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// goldens pin Of's output. If one changes, every stored SimHash and every
// cluster index built with the old function stops matching new documents:
// change the function only on purpose, and say so in the release notes.
var goldens = []struct {
	name     string
	features []string
	want     uint64
}{
	{"one word", []string{"火灾"}, 0xe0da0843885922ae},
	{"short", []string{"杭州市", "西湖区", "发生", "火灾"}, 0x90ce01d700558a8e},
	{"sentence", strings.Fields("今天 下午 3 点 左右 杭州市 西湖区 文三路 一 居民楼 发生 火灾 浓烟 从 6 楼 窗户 冒出 消防 救援 人员 已 赶到 现场 处置"), 0xf04e737353c21f1f},
	{"ascii and repeats", []string{"the", "cat", "the", "hat", "the", "end"}, 0x1966e031384ff335},
}

func TestOfGolden(t *testing.T) {
	for _, g := range goldens {
		if got := Of(g.features); got != g.want {
			t.Errorf("%s: Of = %#016x, want %#016x", g.name, got, g.want)
		}
	}
}

// TestOfMatchesReference checks Of against a direct transcription of its
// doc comment.
func TestOfMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vocab := strings.Fields("的 了 火灾 杭州 西湖区 发生 消防 a b 1 2 救援 人员 窗户 浓烟 现场")
	for _, n := range []int{1, 2, 4, 5, 9, 40, 200} {
		for range 50 {
			fs := make([]string, n)
			for i := range fs {
				fs[i] = vocab[r.IntN(len(vocab))]
			}
			var sums [64]int
			total := 0
			count := func(h uint64, w int) {
				total += w
				for j := range 64 {
					if h>>j&1 == 1 {
						sums[j] += w
					}
				}
			}
			for i, f := range fs {
				w := int(weight(i, n))
				count(featureHash(f), w)
				if i+1 < n {
					count(fmix64(featureHash(f)*0x9e3779b97f4a7c15+featureHash(fs[i+1])), w)
				}
			}
			var want uint64
			for j, s := range sums {
				if 2*s > total {
					want |= 1 << j
				}
			}
			if got := Of(fs); got != want {
				t.Fatalf("Of(%q) = %#x, reference %#x", fs, got, want)
			}
		}
	}
	if Of([]string{"火灾"}) != featureHash("火灾") {
		t.Error("the SimHash of one feature is not that feature's hash")
	}
}

// TestFNV1a checks the feature hash's first stage against the published
// FNV-1a 64 test vectors.
func TestFNV1a(t *testing.T) {
	for s, want := range map[string]uint64{
		"":       0xcbf29ce484222325,
		"a":      0xaf63dc4c8601ec8c,
		"foobar": 0x85944171f73967e8,
	} {
		if got := fnv1a(s); got != want {
			t.Errorf("fnv1a(%q) = %#x, want %#x", s, got, want)
		}
	}
}

func TestOfEdgeCases(t *testing.T) {
	if got := Of(nil); got != 0 {
		t.Errorf("Of(nil) = %#x, want 0", got)
	}
	if got := Of([]string{}); got != 0 {
		t.Errorf("Of([]) = %#x, want 0", got)
	}
	words := strings.Fields("暴雨 红色 预警 气象台 预计 未来 6 小时 内 我市 大部分 地区 将 出现 降水")
	if Of(words) != Of(append([]string(nil), words...)) {
		t.Error("Of differs for equal slices")
	}
	rev := append([]string(nil), words...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if Of(words) == Of(rev) {
		t.Error("Of ignores word order")
	}
	if Of([]string{"a", "b"}) == Of([]string{"a", "b", "b"}) {
		t.Error("Of ignores a repeated word")
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b uint64
		want int
	}{
		{0, 0, 0},
		{0, ^uint64(0), 64},
		{0b1011, 0b0001, 2},
		{1 << 63, 1, 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%#x, %#x) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		a, b, c := r.Uint64(), r.Uint64(), r.Uint64()
		if Distance(a, a) != 0 || Distance(a, b) != Distance(b, a) {
			t.Fatalf("Distance not a symmetric zero-diagonal function at %#x, %#x", a, b)
		}
		if Distance(a, c) > Distance(a, b)+Distance(b, c) {
			t.Fatalf("triangle inequality fails for %#x %#x %#x", a, b, c)
		}
		if Distance(a, ^a) != 64 {
			t.Fatalf("Distance(a, ^a) = %d", Distance(a, ^a))
		}
	}
}

func TestWeight(t *testing.T) {
	for n := 1; n < flatBelow; n++ {
		for i := range n {
			if w := weight(i, n); w != fullWeight {
				t.Errorf("weight(%d, %d) = %d, want %d (short text)", i, n, w, fullWeight)
			}
		}
	}
	for _, n := range []int{5, 6, 10, 37, 100, 1000, 100000} {
		prev := uint32(fullWeight)
		for i := range n {
			w := weight(i, n)
			if w > prev || w < 1 || w > fullWeight {
				t.Fatalf("weight(%d, %d) = %d after %d: want non-increasing in [1, %d]", i, n, w, prev, fullWeight)
			}
			if 10*i < n && w != fullWeight {
				t.Errorf("weight(%d, %d) = %d in the first tenth, want %d", i, n, w, fullWeight)
			}
			prev = w
		}
		if last := weight(n-1, n); last > 3 {
			t.Errorf("weight of the last of %d features = %d, want ≤ 3", n, last)
		}
	}
}

// TestCounterMatchesNaive checks the lane-counting against a plain
// per-bit sum, across lane flushes.
func TestCounterMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 25, 26, 27, 51, 52, 300, 5000} {
		for range 20 {
			var c counter
			var sums [64]int
			total := 0
			for range n {
				h, w := r.Uint64(), uint32(1+r.IntN(fullWeight))
				c.add(h, w)
				total += int(w)
				for j := range 64 {
					if h>>j&1 == 1 {
						sums[j] += int(w)
					}
				}
			}
			var want uint64
			for j, s := range sums {
				if 2*s > total {
					want |= 1 << j
				}
			}
			if got := c.sum(); got != want {
				t.Fatalf("n=%d: counter %#016x, naive %#016x (differ in %d bits)", n, got, want, bits.OnesCount64(got^want))
			}
		}
	}
}

func TestOfDoesNotAllocate(t *testing.T) {
	words := benchWords(100)
	if n := testing.AllocsPerRun(100, func() { Of(words) }); n != 0 {
		t.Errorf("Of allocates %v times per call", n)
	}
}

// benchWords returns n words of two Chinese characters, some repeated.
func benchWords(n int) []string {
	const chars = "今天下午点左右杭州市西湖区文三路居民楼发生火灾浓烟从窗户冒出消防救援人员赶到现场处置目前火势已被控制暂无伤亡报告起因正在调查中"
	rs := []rune(chars)
	words := make([]string, n)
	for i := range words {
		words[i] = string(rs[(i*7)%len(rs)]) + string(rs[(i*13+5)%len(rs)])
	}
	return words
}

func BenchmarkOf(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		words := benchWords(n)
		b.Run(strconv.Itoa(n)+"words", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Of(words)
			}
		})
	}
}
