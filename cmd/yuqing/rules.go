package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/segmentio/encoding/json"
	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/alerting/backtest"
	"github.com/yuqing-dev/yuqing/alerting/rule"
)

func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Work with alert rule files",
		Long: `Alert rules are YAML files in the rules directory (configs/rules by default):
one rule, a list of rules or several --- documents per file.`,
		Example: `  yuqing rules check configs/rules`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRulesCheckCmd(), newRulesTestCmd())
	return cmd
}

func newRulesCheckCmd() *cobra.Command {
	var receivers []string
	cmd := &cobra.Command{
		Use:   "check [flags] FILE|DIR...",
		Short: "Validate rule files and print the parsed rules with defaults and versions",
		Long: `Reads the rule files (a directory stands for its *.yaml and *.yml files) and
prints every valid rule as YAML on standard output: its version, type,
severity and parameters, with the defaults filled in. Rule ids must be
unique across all the files given.

Problems go to standard error, one per line, as FILE:LINE: rule ID: FIELD:
message; the exit status is then 1 (2 for a usage error).`,
		Example: `  yuqing rules check configs/rules
  yuqing rules check configs/rules/fraud.yaml configs/rules/incidents.yaml
  yuqing rules check --receivers duty-webhook,duty-email my-rule.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var files []string
			for _, a := range args {
				fs, err := ruleFiles(a)
				if err != nil {
					return err
				}
				files = append(files, fs...)
			}
			o := rule.Options{}
			if cmd.Flags().Changed("receivers") {
				o.KnownReceivers = map[string]bool{}
				for _, r := range receivers {
					o.KnownReceivers[r] = true
				}
			}
			rules, err := rule.LoadFiles(files, o)
			out := cmd.OutOrStdout()
			for _, r := range rules {
				b, merr := rule.Marshal([]rule.Rule{r})
				if merr != nil {
					return merr
				}
				fmt.Fprintf(out, "---\n# %s:%d\n%s", r.File, r.Line, b)
			}
			if err == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d rules in %d files are valid\n", len(rules), len(files))
				return nil
			}
			n := 0
			for _, e := range unjoin(err) {
				fmt.Fprintln(cmd.ErrOrStderr(), e)
				n++
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d problems; %d rules in %d files are valid\n", n, len(rules), len(files))
			return exitCode(1)
		},
	}
	cmd.Flags().StringSliceVar(&receivers, "receivers", nil, "receiver names rules may use (default: any name)")
	return cmd
}

// ruleFiles expands a directory argument to its rule files.
func ruleFiles(arg string) ([]string, error) {
	st, err := os.Stat(arg)
	if err != nil || !st.IsDir() {
		return []string{arg}, nil // a missing file is reported like a bad one
	}
	var files []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(arg, pat))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no *.yaml or *.yml rule files", arg)
	}
	return files, nil
}

// unjoin lists the errors inside an errors.Join.
func unjoin(err error) []error {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		return j.Unwrap()
	}
	return []error{err}
}

func newRulesTestCmd() *cobra.Command {
	var server, from, to, ruleID string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "test [flags] FILE",
		Short: "Backtest a rule over a server's indexed history: what it would have raised",
		Long: `Sends the rule in FILE (YAML as in configs/rules; --rule ID picks one from
a file of several) to the server,
which replays the documents published between --from and --to (default the
last 7 days) through it, exactly as the alert stage would, and answers how
many alerts it would have raised, per day, with examples. Nobody is notified.`,
		Example: `  yuqing rules test --rule fire-major configs/rules/incidents.yaml --from 2026-11-01 --to 2026-11-08
  yuqing rules test my-rule.yaml --server http://127.0.0.1:8080 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if ruleID != "" {
				rules, err := rule.ParseFile(args[0], data, rule.Options{})
				if err != nil {
					return err
				}
				i := slices.IndexFunc(rules, func(r rule.Rule) bool { return r.ID == ruleID })
				if i < 0 {
					return fmt.Errorf("%s has no rule %q", args[0], ruleID)
				}
				if data, err = rule.Marshal(rules[i : i+1]); err != nil {
					return err
				}
			}
			body, _ := json.Marshal(map[string]string{"rule": string(data), "from": from, "to": to})
			var res backtest.Result
			if err := newClient(cmd, server).do(cmd.Context(), "POST", "/api/v1/rules/test", "application/json", body, &res); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			fmt.Fprintf(out, "rule %s, %s to %s: %d docs replayed, %d firings, %d alerts\n", res.RuleID,
				res.From.Format(time.DateOnly), res.To.Format(time.DateOnly), res.Docs, res.Firings, res.Alerts)
			for _, day := range slices.Sorted(maps.Keys(res.PerDay)) {
				fmt.Fprintf(out, "  %s  %d\n", day, res.PerDay[day])
			}
			for _, ex := range res.Examples {
				fmt.Fprintf(out, "  e.g. %s  %s  %s\n", ex.At.Local().Format("2006-01-02 15:04"), ex.Reason, ex.Text)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "http://127.0.0.1:8080", "server base URL")
	f.StringVar(&from, "from", "", "replay from (RFC 3339 or 2006-01-02; default 7 days before --to)")
	f.StringVar(&to, "to", "", "replay until (default now)")
	f.BoolVar(&asJSON, "json", false, "print the server's JSON answer")
	f.StringVar(&ruleID, "rule", "", "the id of the rule to test when FILE holds several")
	return cmd
}
