package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/analysis/model"
	"github.com/yuqing-dev/yuqing/internal/evalset"
)

type trainFlags struct {
	data, mapArg, out, algo, kind string
	minCount, epochs              int
	alpha                         float64
	seed                          uint64
	quiet                         bool
}

func newTrainCmd() *cobra.Command {
	var fl trainFlags
	cmd := &cobra.Command{
		Use:   "train --data FILE --out MODEL [flags]",
		Short: "Train a text classifier on a labelled label<TAB>text file and save it",
		Long: `Train a logistic-regression (default) or naive Bayes classifier over words
and character bigrams on a labelled file (UTF-8, one "label<TAB>text" a
line), and save it in yuqing's versioned model format.

Labels, directly or through --map, are category ids (fraud.loan),
sentiment:negative / sentiment:positive, or none for negatives; a label
mapped to several ids (a|b) trains the first. The model gives category
scores (posterior probabilities), a sentiment when trained on sentiment
labels, and the features behind each score. Use it with
  yuqing eval --model MODEL ...
which combines it with the default rules.

Models trained on third-party research data are for measurement: keep
them outside the repository (e.g. in /tmp).`,
		Example: `  yuqing train --data fraud.tsv --out /tmp/fraud.bin \
    --map 0=none,1=fraud.impersonation,2=fraud.loan,3=fraud.customer_service,4=fraud.acquaintance
  yuqing train --data weibo.tsv --map 0=sentiment:negative,1=sentiment:positive --out /tmp/senti.bin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			progress := cmd.ErrOrStderr()
			if fl.quiet {
				progress = io.Discard
			}
			return runTrain(ctx, fl, cmd.OutOrStdout(), progress)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.data, "data", "", "labelled file: label<TAB>text a line (required)")
	f.StringVar(&fl.mapArg, "map", "", "label map: 0=none,1=fraud.loan,... or a file of label=target lines")
	f.StringVar(&fl.out, "out", "", "where to write the model (required)")
	f.StringVar(&fl.algo, "algo", model.Logistic, "lr (logistic regression) or nb (naive Bayes)")
	f.IntVar(&fl.minCount, "min-count", 2, "drop features found in fewer documents")
	f.Float64Var(&fl.alpha, "alpha", 0.1, "naive Bayes smoothing")
	f.IntVar(&fl.epochs, "epochs", 10, "logistic regression passes over the data")
	f.Uint64Var(&fl.seed, "seed", 1, "seed of the logistic regression's example order")
	f.StringVar(&fl.kind, "kind", "", "Post kind of the texts (post, comment, article, sms)")
	f.BoolVarP(&fl.quiet, "quiet", "q", false, "no progress output")
	cmd.MarkFlagRequired("data")
	cmd.MarkFlagRequired("out")
	return cmd
}

func runTrain(ctx context.Context, fl trainFlags, out, progress io.Writer) error {
	start := time.Now()
	if fl.out == "" {
		return errors.New("--out is required")
	}
	set, err := loadSet(ctx, fl.data, fl.mapArg, fl.kind, true, progress)
	if err != nil {
		return err
	}
	all := evalset.Complement(len(set.items), nil)
	opt := model.Options{Algorithm: fl.algo, MinCount: fl.minCount, Alpha: fl.alpha, Epochs: fl.epochs, Seed: fl.seed,
		Progress: func(stage string, done, total int) { fmt.Fprintf(progress, "\r%s: %d/%d", stage, done, total) }}
	trainStart := time.Now()
	m, err := model.Train(ctx, examples(set, all), opt)
	fmt.Fprintln(progress)
	if err != nil {
		return err
	}
	trainTook := time.Since(trainStart)
	size, err := saveModel(m, fl.out)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, it := range set.items {
		counts[it.Targets[0]]++
	}
	labels := make([]string, 0, len(counts))
	for l := range counts {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	fmt.Fprintf(out, "trained %s on %d rows of %s\n", m.Algorithm(), len(set.items), fl.data)
	fmt.Fprintf(out, "classes: %d\n", len(labels))
	for _, l := range labels {
		fmt.Fprintf(out, "  %-28s %6d rows\n", l, counts[l])
	}
	fmt.Fprintf(out, "features: %d\ntraining: %.2fs (total %.1fs)\nmodel: %s (%d bytes)\n",
		m.NumFeatures(), trainTook.Seconds(), time.Since(start).Seconds(), fl.out, size)
	return nil
}

// saveModel writes m to path through a temporary file, so a failed save
// never leaves half a model behind.
func saveModel(m *model.Model, path string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := m.Save(tmp); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("saving model to %s: %w", path, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("saving model to %s: %w", path, err)
	}
	return st.Size(), nil
}
