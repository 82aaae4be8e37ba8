package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/analysis/classify"
	"github.com/yuqing-dev/yuqing/analysis/model"
	"github.com/yuqing-dev/yuqing/internal/evalset"
)

type evalFlags struct {
	data, modelPath, mapArg, kind, anyPrefix, algo string
	cv                                             int
	holdout, threshold                             float64
	minLen                                         int
	excludeLabels                                  []string
	seed                                           uint64
	combine, jsonOut, quiet                        bool
}

func newEvalCmd() *cobra.Command {
	var fl evalFlags
	cmd := &cobra.Command{
		Use:   "eval --data FILE [flags]",
		Short: "Measure the classifier on a labelled label<TAB>text file: P/R/F1, confusion matrix, k-fold",
		Long: `Evaluate classification on a labelled file (UTF-8, one "label<TAB>text" a
line). Each text is normalised and segmented like a Post in the pipeline
and classified by:

  the default rules                 (no --model)
  the rules combined with a model   (--model FILE, see yuqing train)
  models trained on the file itself (--cv K: K stratified folds, each
                                     scored by a model trained on the
                                     others; --holdout F: one split)

--map turns dataset labels into targets: category ids ("none" for
negatives; several ids joined by | mean any of them is a hit) or
sentiment:negative / sentiment:positive. It is a spec or a file with one
label=target a line. Without --map the labels must be targets already.

A row's prediction is the mapped class whose best category (the target or
one of its subtypes: fraud matches fraud.loan) scores highest, if that is
≥ --threshold; otherwise none. For sentiment maps the prediction is the
sign of the sentiment (0 counts as neutral, i.e. wrong).

The report has per-class precision/recall/F1, micro and macro averages
over the non-none classes, a binary "any class vs none" view, accuracy
and the confusion matrix; with --cv also mean ± sd of every figure over
the folds. --any PREFIX adds, per dataset label, the share of rows where
some category under PREFIX scores ≥ --threshold (a false-alarm or recall
check that needs no map).`,
		Example: `  # default rules on fraud SMS, subtypes mapped to taxonomy ids
  yuqing eval --data fraud.tsv --kind sms \
    --map 0=none,1=fraud.impersonation,2=fraud.loan,3=fraud.customer_service,4=fraud.acquaintance

  # a trained model, 5-fold on the file itself
  yuqing eval --data fraud.tsv --cv 5 --map 0=none,1=fraud.impersonation,2=fraud.loan,3=fraud.customer_service,4=fraud.acquaintance

  # rules combined with a saved model, multi-label spam
  yuqing eval --data spam.tsv --model /tmp/spam.bin --map '0=none,1=spam_ad|fraud|gambling|pornography'

  # sentiment accuracy
  yuqing eval --data weibo.tsv --map 0=sentiment:negative,1=sentiment:positive

  # false alarms: news headlines outside class 5 with any incident.* ≥ 0.5
  yuqing eval --data news.tsv --any incident --exclude-label 5

  # incident recall and type, machine-readable
  yuqing eval --data cec.tsv --map incident.map --any incident --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			progress := cmd.ErrOrStderr()
			if fl.quiet || fl.jsonOut {
				progress = io.Discard
			}
			rep, err := runEval(ctx, fl, progress)
			if err != nil {
				return err
			}
			if fl.jsonOut {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return rep.write(cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.data, "data", "", "labelled file: label<TAB>text a line (required)")
	f.StringVar(&fl.modelPath, "model", "", "model file from yuqing train, combined with the default rules")
	f.StringVar(&fl.mapArg, "map", "", "label map: 0=none,1=fraud.loan,... or a file of label=target lines")
	f.IntVar(&fl.cv, "cv", 0, "train and evaluate K-fold on the file itself (K ≥ 2)")
	f.Float64Var(&fl.holdout, "holdout", 0, "train on the file less a stratified test share F (e.g. 0.2) and evaluate on that share")
	f.StringVar(&fl.algo, "algo", model.Logistic, "algorithm for --cv/--holdout: lr (logistic regression) or nb (naive Bayes)")
	f.BoolVar(&fl.combine, "combine", false, "with --cv/--holdout, combine each fold's model with the default rules")
	f.Uint64Var(&fl.seed, "seed", 1, "seed of the folds and of training")
	f.Float64Var(&fl.threshold, "threshold", 0.5, "lowest category score that counts as a prediction")
	f.StringVar(&fl.kind, "kind", "", "Post kind given to the classifier (post, comment, article, sms)")
	f.StringVar(&fl.anyPrefix, "any", "", "also report, per label, the share of rows with any PREFIX or PREFIX.* category ≥ threshold")
	f.StringSliceVar(&fl.excludeLabels, "exclude-label", nil, "dataset labels left out of the --any total (repeatable)")
	f.IntVar(&fl.minLen, "min-len", 0, "score only rows whose text is longer than N characters (training still uses every row)")
	f.BoolVar(&fl.jsonOut, "json", false, "print the report as JSON (no progress output)")
	f.BoolVarP(&fl.quiet, "quiet", "q", false, "no progress output")
	cmd.MarkFlagRequired("data")
	return cmd
}

// evalReport is what eval prints.
type evalReport struct {
	Data       string             `json:"data"`
	Rows       int                `json:"rows"`
	Scored     int                `json:"scored"`
	Classifier string             `json:"classifier"`
	Threshold  float64            `json:"threshold"`
	MinLen     int                `json:"min_len,omitempty"`
	Scores     *evalset.Scores    `json:"scores,omitempty"`
	Folds      []evalset.Stat     `json:"folds,omitempty"`
	Confusion  *evalset.Confusion `json:"confusion,omitempty"`
	Any        *evalset.AnyRate   `json:"any,omitempty"`
	Sentiment  *sentimentCoverage `json:"sentiment,omitempty"`
	Took       float64            `json:"took_seconds"`
	// ClassifyCPU is the classifier's time per row on one worker: the wall
	// time of the classifying phases times the number of workers, over
	// the rows (segmentation excluded, evidence included).
	ClassifyCPU float64 `json:"classify_us_per_row"`
	classified  int
	classifyDur time.Duration
	perFold     []*evalset.Confusion
	task        *evalset.Task
}

// sentimentCoverage says how many rows got a sentiment at all.
type sentimentCoverage struct {
	Neutral         int     `json:"neutral"`
	AccuracyDecided float64 `json:"accuracy_decided"`
}

// loadedSet is a labelled file ready to classify.
type loadedSet struct {
	rows   []evalset.Row
	items  []evalset.Item // nil when the labels are not targets and no map was given
	inputs []classify.Input
}

func loadSet(ctx context.Context, path, mapArg, kind string, needTargets bool, progress io.Writer) (*loadedSet, error) {
	rows, err := evalset.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	var m *evalset.Map
	if mapArg != "" {
		if m, err = evalset.LoadMap(mapArg); err != nil {
			return nil, err
		}
	}
	set := &loadedSet{rows: rows}
	if set.items, err = evalset.Labelled(rows, m); err != nil {
		if needTargets || m != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		set.items = nil
	}
	set.inputs, err = buildInputs(ctx, rows, kind, progress)
	return set, err
}

// buildInputs normalises, masks and segments the rows exactly like the
// analysis stage (Segmenter.ClassifyInput).
func buildInputs(ctx context.Context, rows []evalset.Row, kind string, progress io.Writer) ([]classify.Input, error) {
	start := time.Now()
	seg, err := analysis.Default()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "segmenter loaded in %.1fs\n", time.Since(start).Seconds())
	inputs := make([]classify.Input, len(rows))
	err = parallel(ctx, len(rows), "segmenting", progress, func(i int) {
		inputs[i] = seg.ClassifyInput(rows[i].Text, kind)
	})
	return inputs, err
}

// parallel runs fn(0..n-1) on GOMAXPROCS workers, printing progress.
func parallel(ctx context.Context, n int, what string, progress io.Writer, fn func(i int)) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
				done.Add(1)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case <-finished:
			fmt.Fprintf(progress, "\r%s: %d/%d (%.1fs)\n", what, done.Load(), n, time.Since(start).Seconds())
			return ctx.Err()
		case <-tick.C:
			fmt.Fprintf(progress, "\r%s: %d/%d", what, done.Load(), n)
		}
	}
}

// classifyAll classifies the inputs at idx in parallel.
func classifyAll(ctx context.Context, c classify.Classifier, inputs []classify.Input, idx []int, progress io.Writer) ([]classify.Result, error) {
	out := make([]classify.Result, len(idx))
	err := parallel(ctx, len(idx), "classifying", progress, func(i int) {
		out[i] = c.Classify(inputs[idx[i]])
	})
	return out, err
}

func runEval(ctx context.Context, fl evalFlags, progress io.Writer) (*evalReport, error) {
	start := time.Now()
	training := fl.cv > 0 || fl.holdout > 0
	if fl.cv > 0 && fl.holdout > 0 {
		return nil, errors.New("--cv and --holdout exclude each other")
	}
	if training && fl.modelPath != "" {
		return nil, errors.New("--model evaluates a saved model; --cv/--holdout train their own")
	}
	set, err := loadSet(ctx, fl.data, fl.mapArg, fl.kind, fl.anyPrefix == "" || training, progress)
	if err != nil {
		return nil, err
	}
	rep := &evalReport{Data: fl.data, Rows: len(set.rows), Threshold: fl.threshold, MinLen: fl.minLen}
	if set.items != nil {
		if rep.task, err = evalset.NewTask(set.items, fl.threshold); err != nil {
			return nil, err
		}
	}
	if fl.anyPrefix != "" {
		rep.Any = evalset.NewAnyRate(fl.anyPrefix, fl.threshold, fl.excludeLabels)
	}
	if training {
		err = evalTrained(ctx, fl, set, rep, progress)
	} else {
		err = evalSaved(ctx, fl, set, rep, progress)
	}
	if err != nil {
		return nil, err
	}
	rep.finish()
	rep.Took = time.Since(start).Seconds()
	return rep, nil
}

// evalSaved scores every row with the default rules, or the rules
// combined with a saved model.
func evalSaved(ctx context.Context, fl evalFlags, set *loadedSet, rep *evalReport, progress io.Writer) error {
	c, err := classify.Default()
	if err != nil {
		return fmt.Errorf("loading the default classifier: %w", err)
	}
	rep.Classifier = "default rules"
	if fl.modelPath != "" {
		m, err := loadModelFile(fl.modelPath)
		if err != nil {
			return err
		}
		c = model.Combine(c, m)
		rep.Classifier = "default rules + model " + fl.modelPath
	}
	all := make([]int, len(set.rows))
	for i := range all {
		all[i] = i
	}
	res, err := rep.classify(ctx, c, set.inputs, all, progress)
	if err != nil {
		return err
	}
	rep.add(set, all, res, fl.minLen)
	return nil
}

func loadModelFile(path string) (*model.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := model.Load(f)
	if err != nil {
		return nil, fmt.Errorf("loading model %s: %w", path, err)
	}
	return m, nil
}

// evalTrained trains on each fold's complement and scores the fold.
func evalTrained(ctx context.Context, fl evalFlags, set *loadedSet, rep *evalReport, progress io.Writer) error {
	classes := make([]string, len(set.items))
	for i, it := range set.items {
		classes[i] = it.Class
	}
	var folds [][]int
	var err error
	if fl.cv > 0 {
		folds, err = evalset.KFold(classes, fl.cv, fl.seed)
		rep.Classifier = fmt.Sprintf("%s model, %d-fold cross-validation", fl.algo, fl.cv)
	} else {
		var test []int
		_, test, err = evalset.TrainTest(classes, fl.holdout, fl.seed)
		folds = [][]int{test}
		rep.Classifier = fmt.Sprintf("%s model, %.0f%% held out", fl.algo, 100*fl.holdout)
	}
	if err != nil {
		return err
	}
	var def classify.Classifier
	if fl.combine {
		if def, err = classify.Default(); err != nil {
			return fmt.Errorf("loading the default classifier: %w", err)
		}
		rep.Classifier += ", combined with the default rules"
	}
	for fi, test := range folds {
		train := evalset.Complement(len(set.items), test)
		fmt.Fprintf(progress, "fold %d/%d: training on %d rows, testing on %d\n", fi+1, len(folds), len(train), len(test))
		m, err := model.Train(ctx, examples(set, train), model.Options{Algorithm: fl.algo, Seed: fl.seed})
		if err != nil {
			return err
		}
		var c classify.Classifier = m
		if def != nil {
			c = model.Combine(def, m)
		}
		res, err := rep.classify(ctx, c, set.inputs, test, progress)
		if err != nil {
			return err
		}
		rep.add(set, test, res, fl.minLen)
	}
	return nil
}

// examples turns rows into training examples; a row mapped to several
// categories trains the first.
func examples(set *loadedSet, idx []int) []model.Example {
	ex := make([]model.Example, len(idx))
	for i, j := range idx {
		ex[i] = model.Example{Input: set.inputs[j], Label: set.items[j].Targets[0]}
	}
	return ex
}

// classify runs classifyAll and times it.
func (r *evalReport) classify(ctx context.Context, c classify.Classifier, inputs []classify.Input, idx []int, progress io.Writer) ([]classify.Result, error) {
	start := time.Now()
	res, err := classifyAll(ctx, c, inputs, idx, progress)
	r.classifyDur += time.Since(start)
	r.classified += len(idx)
	return res, err
}

// add counts one fold's (or the whole file's) results.
func (r *evalReport) add(set *loadedSet, idx []int, res []classify.Result, minLen int) {
	var conf *evalset.Confusion
	if r.task != nil {
		conf = evalset.NewConfusion(r.task.Names())
		r.perFold = append(r.perFold, conf)
	}
	for i, j := range idx {
		if minLen > 0 && utf8.RuneCountInString(set.rows[j].Text) <= minLen {
			continue
		}
		r.Scored++
		pred := ""
		if conf != nil {
			pred = r.task.Predict(res[i].Categories, res[i].Sentiment)
			conf.Add(set.items[j].Class, pred)
		}
		if r.Any != nil {
			r.Any.Add(set.rows[j].Label, res[i].Categories)
			if conf != nil && r.Any.Hit(res[i].Categories) {
				r.Any.CountTyped(pred == set.items[j].Class)
			}
		}
	}
}

// finish pools the folds into one matrix and averages the fold figures.
func (r *evalReport) finish() {
	if r.classified > 0 {
		r.ClassifyCPU = float64(r.classifyDur.Microseconds()) * float64(runtime.GOMAXPROCS(0)) / float64(r.classified)
	}
	if r.task == nil {
		return
	}
	r.Confusion = evalset.NewConfusion(r.task.Names())
	var folds []evalset.Scores
	for _, c := range r.perFold {
		r.Confusion.Merge(c)
		folds = append(folds, c.Scores(evalset.None))
	}
	s := r.Confusion.Scores(evalset.None)
	r.Scores = &s
	if len(folds) > 1 {
		r.Folds = evalset.Aggregate(folds)
	}
	if r.task.Sentiment {
		r.Sentiment = sentimentStats(r.Confusion)
	}
}

func sentimentStats(c *evalset.Confusion) *sentimentCoverage {
	sc := &sentimentCoverage{}
	var decided, correct int
	for g, row := range c.Counts {
		for p, n := range row {
			if c.Labels[p] == evalset.SentimentNeutral && c.Labels[g] != evalset.SentimentNeutral {
				sc.Neutral += n
				continue
			}
			decided += n
			if g == p {
				correct += n
			}
		}
	}
	if decided > 0 {
		sc.AccuracyDecided = float64(correct) / float64(decided)
	}
	return sc
}

func (r *evalReport) write(w io.Writer) error {
	fmt.Fprintf(w, "data: %s (%d rows", r.Data, r.Rows)
	if r.MinLen > 0 {
		fmt.Fprintf(w, ", %d scored: longer than %d characters", r.Scored, r.MinLen)
	}
	fmt.Fprintf(w, ")\nclassifier: %s\nthreshold: %g\n\n", r.Classifier, r.Threshold)
	if r.Scores != nil {
		if err := evalset.WriteScores(w, *r.Scores); err != nil {
			return err
		}
		if r.Sentiment != nil {
			fmt.Fprintf(w, "sentiment 0 (no decision): %d rows; accuracy on the rest %.3f\n", r.Sentiment.Neutral, r.Sentiment.AccuracyDecided)
		}
		fmt.Fprintln(w, "\nconfusion matrix (rows gold, columns predicted):")
		if err := evalset.WriteConfusion(w, r.Confusion); err != nil {
			return err
		}
	}
	if len(r.Folds) > 0 {
		fmt.Fprintln(w)
		if err := evalset.WriteStats(w, r.Folds); err != nil {
			return err
		}
	}
	if r.Any != nil {
		fmt.Fprintln(w)
		if err := evalset.WriteAnyRate(w, r.Any); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\ntook %.1fs; classifying %.1f µs a row on one worker (%d workers)\n",
		r.Took, r.ClassifyCPU, runtime.GOMAXPROCS(0))
	return err
}
