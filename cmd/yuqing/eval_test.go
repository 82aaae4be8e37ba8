package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuqing-dev/yuqing/analysis/model"
)

// labelledFile writes a small synthetic labelled file: label 0 everyday
// chat, label 2 loan-fraud SMS, written here (no evaluation data).
func labelledFile(t *testing.T, dir string) string {
	t.Helper()
	normal := []string{"今天天气不错，我们周末去公园散步吧", "晚上一起吃饭吗？我在学校门口等你", "这部电影真好看，推荐给大家",
		"明天上午开会，记得带上材料", "孩子放学了，我去接一下", "超市的水果今天打折，买了点苹果"}
	fraud := []string{"您的贷款额度已审批通过，无抵押秒批放款，点击链接申请", "急用钱？低息贷款当天放款，先交手续费即可",
		"信用卡提额专员为您服务，缴纳保证金后额度提升到五万", "征信不好也能贷，免审核，加微信办理", "网贷逾期可以帮您修复征信，先转账服务费"}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range 60 {
		if i%2 == 0 {
			fmt.Fprintf(&b, "0\t%s，%s\n", normal[rng.IntN(len(normal))], normal[rng.IntN(len(normal))])
		} else {
			fmt.Fprintf(&b, "2\t%s。%s\n", fraud[rng.IntN(len(fraud))], fraud[rng.IntN(len(fraud))])
		}
	}
	p := filepath.Join(dir, "data.tsv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runWith(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const testMap = "0=none,2=fraud.loan"

func TestTrainThenEval(t *testing.T) {
	dir := t.TempDir()
	data := labelledFile(t, dir)
	out := filepath.Join(dir, "model.bin")
	code, stdout, stderr := runCLI("train", "--data", data, "--map", testMap, "--out", out)
	if code != 0 || !strings.Contains(stdout, "features:") {
		t.Fatalf("train exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(f)
	f.Close()
	if err != nil || len(m.Labels()) != 2 {
		t.Fatalf("model: %v, labels %v", err, m.Labels())
	}

	code, stdout, stderr = runCLI("eval", "-q", "--data", data, "--map", testMap, "--model", out)
	if code != 0 || !strings.Contains(stdout, "confusion matrix") || !strings.Contains(stdout, "binary: any vs none") {
		t.Fatalf("eval --model exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestEvalCrossValidationJSON(t *testing.T) {
	data := labelledFile(t, t.TempDir())
	for _, algo := range []string{"lr", "nb"} {
		code, stdout, stderr := runCLI("eval", "--data", data, "--map", testMap, "--cv", "3", "--algo", algo, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", algo, code, stderr)
		}
		var rep struct {
			Rows   int
			Scores struct {
				Binary struct{ F1 float64 }
			}
			Folds []struct {
				Name string
				N    int
			}
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", algo, err, stdout)
		}
		if rep.Rows != 60 || rep.Scores.Binary.F1 < 0.9 || len(rep.Folds) == 0 || rep.Folds[0].N != 3 {
			t.Errorf("%s: report %+v", algo, rep)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	dir := t.TempDir()
	data := labelledFile(t, dir)
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("0\tfine\n2\talso fine\nno tab on this line\n"), 0o644)
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte("not a model at all"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed line", []string{"eval", "--data", bad, "--map", testMap}, bad + ":3: malformed line"},
		{"unmapped label", []string{"eval", "--data", data, "--map", "0=none"}, `label "2" is not in the map`},
		{"bad map", []string{"eval", "--data", data, "--map", "0=none,2=Fraud"}, "not a category id"},
		{"raw labels need a map", []string{"eval", "--data", data}, "give a map"},
		{"not a model", []string{"eval", "--data", data, "--map", testMap, "--model", junk}, "not a yuqing model file"},
		{"cv and model", []string{"eval", "--data", data, "--map", testMap, "--model", junk, "--cv", "2"}, "--cv/--holdout"},
		{"train without out", []string{"train", "--data", data, "--map", testMap}, `"out" not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(append(tt.args, "-q")...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestEvalAnyWithoutMap(t *testing.T) {
	data := labelledFile(t, t.TempDir())
	code, stdout, stderr := runCLI("eval", "-q", "--data", data, "--any", "incident", "--exclude-label", "2")
	if code != 0 || !strings.Contains(stdout, "rows with any incident.*") || !strings.Contains(stdout, "2 (excluded)") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
