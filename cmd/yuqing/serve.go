package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/app"
	"github.com/yuqing-dev/yuqing/configs"
)

func newServeCmd() *cobra.Command {
	var (
		cfgPath, dataDir, httpAddr, roles string
		check                             bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the monitoring server (embedded by default: no Kafka or Redis needed)",
		Long: `Run the server: the ingest and search API, the analysis stage and the index.

With no --config it runs embedded: one process, a durable local log as the
bus and a local state file, everything under --data. With a config naming
Kafka and Redis (configs/distributed.yaml) the stages talk over Kafka.

--roles runs part of the pipeline in this process (distributed mode):
collect, analyze, index, alert, api, report; any subset, default all.
Analysis and alerting scale by running more processes with that role;
exactly one process runs the index role, and API processes search
through it at index.remote_url.

SIGINT or SIGTERM shut it down gracefully: requests in flight are answered
and batches in hand are finished before it exits. SIGHUP reloads the rules
and dictionaries.`,
		Example: `  yuqing serve
  yuqing serve --data /var/lib/yuqing --http 127.0.0.1:9000
  yuqing serve --config configs/distributed.yaml
  yuqing serve --config configs/distributed.yaml --check-config
  yuqing serve --config deployments/yuqing.yaml --roles analyze
  yuqing serve --config deployments/yuqing.yaml --roles api,collect --check-config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			load := func() (configs.Config, error) {
				cfg, err := configs.Load(cfgPath)
				if err != nil {
					return cfg, err
				}
				if cmd.Flags().Changed("data") {
					cfg.DataDir = dataDir
				}
				if cmd.Flags().Changed("http") {
					cfg.HTTP.Listen = httpAddr
				}
				if cmd.Flags().Changed("roles") {
					cfg.Roles = configs.ParseRoles(roles)
				}
				return cfg, cfg.Validate()
			}
			cfg, err := load()
			if err != nil {
				return err
			}
			if check {
				name := cfgPath
				if name == "" {
					name = "built-in defaults"
				}
				rs := "all"
				if len(cfg.Roles) > 0 {
					rs = strings.Join(cfg.Roles, ",")
				}
				fmt.Fprintf(cmd.OutOrStdout(), "config ok: %s (roles %s, bus %s, state %s, http %s, data %s)\n",
					name, rs, cfg.Bus.Type, cfg.State.Type, cfg.HTTP.Listen, cfg.DataDir)
				return nil
			}
			log := newLogger(cfg.Log.Level, cfg.Log.Format)
			a, err := app.New(cfg, app.Options{Logger: log, LoadConfig: func() (configs.Config, string, error) {
				cfg, err := load()
				return cfg, cfgPath, err
			}})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return a.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgPath, "config", "", "YAML config file (default: built-in embedded config, see configs/yuqing.yaml)")
	f.StringVar(&dataDir, "data", "./data", "data directory (index, bus log, state); overrides data_dir")
	f.StringVar(&httpAddr, "http", "127.0.0.1:8080", "HTTP listen address; overrides http.listen")
	f.BoolVar(&check, "check-config", false, "validate the config and exit")
	f.StringVar(&roles, "roles", "", "comma-separated roles to run: collect,analyze,index,alert,api,report (default all); overrides roles")
	return cmd
}
