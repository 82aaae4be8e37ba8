package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"
	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/ingest"
)

func newAnalyzeCmd() *cobra.Command {
	var (
		cfgPath string
		model   string
		tokens  bool
	)
	cmd := &cobra.Command{
		Use:   "analyze [flags] [FILE...]",
		Short: "Analyse posts locally: one JSON Doc per input line, nothing stored",
		Long: `Reads lines from the files (or standard input) and writes one JSON Doc per
line, in input order: categories, sentiment, risk and their explanation,
locations, keywords, simhash, masked_text and the personal data found.
A line starting with { is a JSON Post (the ingest contract); any other line
is the text of a post. A line that cannot be analysed is answered, in its
place, by {"error":{"line":N,"code":"...","message":"..."}} and named on
standard error; the exit status is then 1.

The dictionaries and model come from --config (section analysis) like in
yuqing serve; the first call loads the dictionary (about a second).`,
		Example: `  echo '您的账户涉嫌洗钱，请将资金转入安全账户' | yuqing analyze
  yuqing analyze posts.ndjson > docs.ndjson
  yuqing analyze --model model.bin --config configs/yuqing.yaml sms.txt`,
		RunE: func(cmd *cobra.Command, files []string) error {
			cfg, err := configs.Load(cfgPath)
			if err != nil {
				return err
			}
			if model != "" {
				cfg.Analysis.Model = model
			}
			an, err := app.NewAnalyzer(cfg.Analysis)
			if err != nil {
				return err
			}
			w := &analyzeWriter{an: an, out: bufio.NewWriter(cmd.OutOrStdout()), errOut: cmd.ErrOrStderr(), tokens: tokens}
			start := time.Now()
			if len(files) == 0 {
				err = w.stream("stdin", cmd.InOrStdin())
			}
			for _, f := range files {
				if err != nil {
					break
				}
				err = w.file(f)
			}
			if ferr := w.out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "analyzed %d lines (%d errors) in %s\n", w.lines, w.errors, time.Since(start).Round(time.Millisecond))
			if w.errors > 0 {
				return exitCode(1)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgPath, "config", "", "YAML config whose analysis section (dictionaries, model) to use")
	f.StringVar(&model, "model", "", "model file from yuqing train, combined with the default rules (overrides the config)")
	f.BoolVar(&tokens, "tokens", false, "include tokens in the output (large)")
	return cmd
}

type analyzeWriter struct {
	an            *analysis.Analyzer
	out           *bufio.Writer
	errOut        io.Writer
	tokens        bool
	lines, errors int
}

func (w *analyzeWriter) file(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return w.stream(path, f)
}

// stream analyses r in chunks of lines, in parallel, writing in order.
func (w *analyzeWriter) stream(name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	const chunk = 512
	lines := make([]string, 0, chunk)
	lineNo := 0
	flush := func() error {
		outs := w.analyzeChunk(name, lineNo-len(lines)+1, lines)
		for _, o := range outs {
			w.out.Write(o)
			w.out.WriteByte('\n')
		}
		lines = lines[:0]
		return nil
	}
	for sc.Scan() {
		lineNo++
		lines = append(lines, sc.Text())
		if len(lines) == chunk {
			flush()
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	return flush()
}

func (w *analyzeWriter) analyzeChunk(name string, first int, lines []string) [][]byte {
	outs := make([][]byte, len(lines))
	errs := make([]string, len(lines))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	now := time.Now().UTC()
	for k := range workers {
		wg.Go(func() {
			for i := k; i < len(lines); i += workers {
				outs[i], errs[i] = w.analyzeLine(lines[i], first+i, now)
			}
		})
	}
	wg.Wait()
	for i, e := range errs {
		w.lines++
		if e != "" {
			w.errors++
			fmt.Fprintf(w.errOut, "%s:line %d: %s\n", name, first+i, e)
		}
	}
	return outs
}

// analyzeLine returns the JSON output for one line and, for a bad line, a
// message for standard error.
func (w *analyzeWriter) analyzeLine(line string, n int, now time.Time) ([]byte, string) {
	body := []byte(strings.TrimSpace(line))
	if len(body) == 0 || body[0] != '{' {
		body, _ = json.Marshal(map[string]string{"text": line, "source": "cli"})
	}
	b := ingest.ParsePosts(body, now, ingest.DefaultLimits())
	if len(b.Posts) != 1 {
		rej := ingest.Reject{Code: ingest.CodeBadJSON, Message: "not one record"}
		if len(b.Rejects) > 0 {
			rej = b.Rejects[0]
		}
		out, _ := json.Marshal(map[string]any{"error": map[string]any{"line": n, "code": rej.Code, "message": rej.Message}})
		return out, rej.Code + ": " + rej.Message
	}
	d := w.an.Analyze(b.Posts[0])
	if !w.tokens {
		d.Tokens, d.TitleTokens = nil, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err.Error()
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), ""
}
