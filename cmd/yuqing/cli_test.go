package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/internal/probe"
)

// startServer runs an embedded server in this process and returns its
// base URL; it is stopped when the test ends.
func startInProcess(t *testing.T, edit ...func(*configs.Config)) string {
	t.Helper()
	cfg := configs.Default()
	cfg.DataDir = t.TempDir()
	cfg.Pipeline.BatchWait = 5 * time.Millisecond
	for _, e := range edit {
		e(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg, app.Options{Listener: ln, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := probe.WaitReady(wctx, base, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return base
}

// cli runs the yuqing command line in-process.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runWith(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	data := []byte(content)
	if strings.HasSuffix(name, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIngestFilesThenSearch drives the README tour: ingest files in every
// supported format, with bad records that are reported by file and line
// while their neighbours are accepted, then search them.
func TestIngestFilesThenSearch(t *testing.T) {
	base := startInProcess(t)
	dir := t.TempDir()
	ndjson := writeFile(t, dir, "posts.ndjson",
		`{"id":"n1","source":"weibo","text":"西湖区一小区发生火灾，消防已到场。"}`+"\n"+
			`{"id":"n2","source":"weibo"}`+"\n"+
			"\n"+
			`{"id":"n3","source":"weibo","text":"地铁站早高峰客流平稳。","published_at":"yesterday"}`+"\n"+
			`{"id":"n4","source":"weibo","text":"暴雨导致道路积水，多辆汽车被困。"}`+"\n")
	array := writeFile(t, dir, "posts.json",
		`[{"id":"a1","source":"news","kind":"article","title":"通报","text":"某化工厂发生爆炸，现场浓烟滚滚。"},
		  {"id":"a2","source":"news","text":"本市启动防汛四级应急响应。"}]`)
	csvFile := writeFile(t, dir, "posts.csv",
		"id,source,text,published_at\n"+
			"c1,forum:tieba,\"小区门口火灾，浓烟很大\",2026-11-20T08:00:00Z\n"+
			"c2,forum:tieba,,2026-11-20T09:00:00Z\n")
	gz := writeFile(t, dir, "more.ndjson.gz", `{"id":"g1","source":"weibo","text":"高速公路发生连环追尾事故。"}`+"\n")

	code, out, _ := cli(t, "ingest", "--server", base, "-q", ndjson, array, csvFile, gz)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (some rejected); output:\n%s", code, out)
	}
	for _, want := range []string{
		ndjson + ":line 2: missing_text:",
		ndjson + ":line 4: bad_time:",
		csvFile + ":line 3: missing_text:",
		"total: 6 accepted, 3 rejected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := probe.WaitIndexed(ctx, base, 6, 6, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "search", "--server", base, "--json", "火灾")
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, errOut)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json is not JSON: %v\n%s", err, out)
	}
	ids := map[string]bool{}
	for _, h := range res.Hits {
		ids[h.ID] = true
	}
	if res.Total != 2 || !ids["n1"] || !ids["c1"] {
		t.Fatalf("search 火灾: total %d hits %v, want n1 and c1", res.Total, ids)
	}
	code, out, _ = cli(t, "search", "--server", base, "爆炸")
	if code != 0 || !strings.Contains(out, "a1") || !strings.Contains(out, "[爆炸]") {
		t.Fatalf("table search: exit %d\n%s", code, out)
	}
}

func TestIngestUnreachableServerIsAnError(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	f := writeFile(t, t.TempDir(), "p.ndjson", `{"text":"测试"}`+"\n")
	code, _, errOut := cli(t, "ingest", "--server", "http://"+addr, "-q", f)
	if code != 2 || !strings.Contains(errOut, "error:") {
		t.Fatalf("exit %d, stderr %q; want 2 and an error", code, errOut)
	}
	code, _, errOut = cli(t, "ingest", "--server", "http://"+addr, filepath.Join(t.TempDir(), "missing.ndjson"))
	if code != 2 || !strings.Contains(errOut, "missing.ndjson") {
		t.Fatalf("missing file: exit %d, stderr %q", code, errOut)
	}
}

// TestEveryCommandHasHelpWithExample walks the command tree.
func TestEveryCommandHasHelpWithExample(t *testing.T) {
	root := newRoot()
	for _, c := range root.Commands() {
		cmds := append(c.Commands(), c)
		for _, sub := range cmds {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" || sub.HasSubCommands() {
				continue
			}
			if sub.Example == "" {
				t.Errorf("%q has no example", sub.CommandPath())
			}
			args := append(strings.Fields(sub.CommandPath())[1:], "--help")
			code, out, _ := cli(t, args...)
			if code != 0 || !strings.Contains(out, "Examples:") {
				t.Errorf("%v: exit %d, output lacks Examples:\n%s", args, code, out)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := cli(t, "version")
	if code != 0 || !strings.HasPrefix(out, "yuqing ") {
		t.Fatalf("version: exit %d %q", code, out)
	}
}

// TestBenchPipelineRuns checks the benchmark command works end to end on a
// tiny input; its figures are recorded in BENCHMARKS.md, never asserted.
func TestBenchPipelineRuns(t *testing.T) {
	code, out, errOut := cli(t, "bench", "pipeline", "--docs", "300", "--batch", "100", "--rounds", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, out, errOut)
	}
	for _, want := range []string{"round 1: baseline", "round 1: pipeline", "pipeline/baseline"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestAnalyzeCommand: one JSON line per input line, in order, errors in
// place with exit status 1.
func TestAnalyzeCommand(t *testing.T) {
	in := "您的账户涉嫌洗钱，请将资金转入安全账户，联系13812345678\n" +
		`{"id":"j1","kind":"article","title":"通报","text":"杭州市西湖区一小区发生火灾"}` + "\n" +
		`{"id":` + "\n" +
		"今天天气很好，心情不错[哈哈]\n"
	var out, errOut bytes.Buffer
	code := runWith([]string{"analyze"}, strings.NewReader(in), &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one bad line); stderr:\n%s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d output lines for 4 input lines:\n%s", len(lines), out.String())
	}
	var docs [4]map[string]any
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &docs[i]); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
	}
	if cats, _ := docs[0]["categories"].(map[string]any); cats["fraud"] == nil || !strings.Contains(fmt.Sprint(docs[0]["masked_text"]), "138****5678") {
		t.Errorf("line 1: %v", docs[0])
	}
	for _, f := range []string{"sentiment", "risk", "keywords", "simhash", "analyzed_at"} {
		if _, ok := docs[0][f]; !ok {
			t.Errorf("line 1 lacks %q", f)
		}
	}
	if docs[1]["id"] != "j1" || !strings.Contains(fmt.Sprint(docs[1]["locations"]), "西湖区") {
		t.Errorf("line 2: %v", docs[1])
	}
	if e, _ := docs[2]["error"].(map[string]any); e == nil || e["line"] != 3.0 || e["code"] != "bad_json" {
		t.Errorf("line 3: %v", docs[2])
	}
	if !strings.Contains(errOut.String(), "stdin:line 3: bad_json") {
		t.Errorf("stderr lacks the bad line:\n%s", errOut.String())
	}
	if _, ok := docs[3]["tokens"]; ok {
		t.Error("tokens printed without --tokens")
	}
}

// TestSearchQueryLanguageOptions: facets, collapse and cursor from the
// command line, and a query error pointing at its position.
func TestSearchQueryLanguageOptions(t *testing.T) {
	base := startInProcess(t)
	f := writeFile(t, t.TempDir(), "p.ndjson",
		`{"id":"a","source":"weibo","text":"杭州市西湖区一小区发生火灾，现场浓烟滚滚，消防已到场处置。","published_at":"2026-11-20T01:00:00Z"}
{"id":"b","source":"weibo","text":"转发:杭州市西湖区一小区发生火灾，现场浓烟滚滚，消防已到场处置。","published_at":"2026-11-20T02:00:00Z"}
{"id":"c","source":"douyin","text":"宁波一仓库凌晨起火，火灾原因正在调查。","published_at":"2026-11-20T03:00:00Z"}
`)
	if code, out, _ := cli(t, "ingest", "--server", base, "-q", f); code != 0 {
		t.Fatalf("ingest: %d %s", code, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := probe.WaitIndexed(ctx, base, 3, 3, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "search", "--server", base, "--facets", "source,category", "--collapse", "cluster", "火灾 region:浙江")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"REPOSTS", "of 3 hits", "source: weibo 2, douyin 1", "category: incident.fire 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli(t, "search", "--server", base, "--size", "2", "火灾")
	i := strings.Index(out, "next: --cursor ")
	if code != 0 || i < 0 {
		t.Fatalf("no cursor under a full page:\n%s", out)
	}
	cursor := strings.TrimSpace(out[i+len("next: --cursor "):])
	if code, out, _ = cli(t, "search", "--server", base, "--size", "2", "--cursor", cursor, "火灾"); code != 0 || !strings.Contains(out, " a ") {
		t.Fatalf("second page: %d\n%s", code, out)
	}
	code, _, errOut = cli(t, "search", "--server", base, "火灾 AND")
	if code != 2 || !strings.Contains(errOut, `expected a term after "AND"`) || !strings.Contains(errOut, "\n          ^") {
		t.Fatalf("query error: exit %d\n%s", code, errOut)
	}
}

// TestRulesTestBacktest: yuqing rules test replays a server's history.
func TestRulesTestBacktest(t *testing.T) {
	base := startInProcess(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "p.ndjson",
		`{"id":"a","source":"weibo","text":"杭州市西湖区一小区发生火灾，浓烟滚滚。","published_at":"2026-11-20T01:00:00Z"}
{"id":"b","source":"douyin","text":"宁波仓库发生火灾，原因调查中。","published_at":"2026-11-21T01:00:00Z"}
{"id":"c","source":"weibo","text":"消防举行火灾逃生演习。","published_at":"2026-11-21T02:00:00Z"}
`)
	if code, out, _ := cli(t, "ingest", "--server", base, "-q", f); code != 0 {
		t.Fatalf("ingest: %s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := probe.WaitIndexed(ctx, base, 3, 3, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	rule := writeFile(t, dir, "fire.yaml", "id: fire\nname: 火灾\nseverity: P1\ntype: any\nmatch: '火灾 AND NOT 演习'\ngroup_by: [source]\n")
	code, out, errOut := cli(t, "rules", "test", "--server", base, "--from", "2026-11-19", "--to", "2026-11-22", rule)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"3 docs replayed, 2 firings, 2 alerts", "2026-11-20  1", "2026-11-21  1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	bad := writeFile(t, dir, "bad.yaml", "id: x\nseverity: P9\ntype: any\nmatch: 'a'\n")
	if code, _, errOut := cli(t, "rules", "test", "--server", base, bad); code != 2 || !strings.Contains(errOut, "invalid") {
		t.Errorf("bad rule: exit %d %s", code, errOut)
	}
}
