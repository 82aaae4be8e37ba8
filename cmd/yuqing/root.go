package main

import (
	"github.com/yuqing-dev/yuqing/api"

	"fmt"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "yuqing",
		Short: "Public-opinion and online-content monitoring: ingest, analyse, index, search, alert",
		Long: `yuqing collects web posts and SMS, segments and classifies Chinese text,
indexes it for search and raises alerts on harmful information and incidents.

Run the server with no configuration (embedded mode, no Kafka or Redis):

  yuqing serve

then send posts and search them from another terminal:

  yuqing ingest --server http://127.0.0.1:8080 posts.ndjson
  yuqing search --server http://127.0.0.1:8080 火灾`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("token", "", "API token for a server with authentication on (default $YUQING_TOKEN; create one with `yuqing tokens create`)")
	root.AddCommand(newServeCmd(), newIngestCmd(), newSearchCmd(), newVersionCmd(), newBenchCmd(), newTrainCmd(), newEvalCmd(), newAnalyzeCmd(), newRulesCmd())
	root.AddCommand(newUsersCmd())
	root.AddCommand(newTokensCmd())
	root.AddCommand(newReportCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of yuqing and the Go toolchain that built it",
		Example: "  yuqing version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, rev := version, ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
					v = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						rev = " " + s.Value
					}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "yuqing %s%s %s\n", v, rev, bi.GoVersion)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "yuqing %s\n", v)
			return nil
		},
	}
}

// newLogger builds the process logger.
func newLogger(level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(api.LogHandler(slog.NewJSONHandler(os.Stderr, opts)))
	}
	return slog.New(api.LogHandler(slog.NewTextHandler(os.Stderr, opts)))
}
