package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/auth"
	"github.com/yuqing-dev/yuqing/configs"
	"github.com/yuqing-dev/yuqing/state/redisstate"
)

// dirFlags choose where users and tokens live: DATA/auth (embedded), or
// the Redis of a distributed config.
type dirFlags struct {
	data, config string
}

func (f *dirFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.data, "data", "", "the server's data directory (default: the config's data_dir, ./data)")
	cmd.Flags().StringVar(&f.config, "config", "", "the server's config file (with state.type redis, users live in Redis)")
}

// open returns the directory and the audit log, and a close function.
func (f *dirFlags) open() (*auth.Directory, audit.Log, func(), error) {
	cfg, err := configs.Load(f.config)
	if err != nil {
		return nil, nil, nil, err
	}
	if f.data != "" {
		cfg.DataDir = f.data
	}
	retention, _ := configs.ParseRetention(cfg.Auth.AuditRetention) // validated by Load
	if cfg.State.Type == configs.StateRedis {
		r := cfg.State.Redis
		st, err := redisstate.New(redisstate.Config{Addr: r.Addr, Username: r.Username, Password: r.Password,
			DB: r.DB, KeyPrefix: r.KeyPrefix, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("opening redis state: %w", err)
		}
		return auth.StateDir(st, nil), audit.NewState(st, retention, nil), func() { st.Close() }, nil
	}
	log, err := audit.OpenFiles(filepath.Join(cfg.DataDir, "audit"), retention, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return auth.OpenDir(filepath.Join(cfg.DataDir, "auth"), nil), log, func() {}, nil
}

// cliActor names who ran the CLI in the audit log.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

// recordCLI writes an audit entry for a CLI action; the action has
// happened, so a failure is reported as an error of the command.
func recordCLI(ctx context.Context, log audit.Log, e audit.Entry) error {
	e.Actor, e.Remote, e.Time = cliActor(), "local", time.Now()
	if err := log.Append(ctx, e); err != nil {
		return fmt.Errorf("done, but the audit log could not be written: %w", err)
	}
	return nil
}

func newUsersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Add, list and disable the local users of the API and console",
		Long: `Users log in to the console and own API tokens. Roles: viewer (dashboards,
reports), analyst (search, saved searches, rule drafts and backtests), duty
(acknowledge, resolve and silence alerts), admin (rules live, sources, users,
audit log), ingest (token-only accounts of ingest clients). Seeing personal
data unmasked is a separate grant (--reveal-pii).

The users are kept in DATA/auth/users.json (bcrypt hashes), or in Redis with
a distributed --config; the running server sees changes within a second.`,
		Example: `  echo 's3cret-passw0rd' | yuqing users add --data ./data --name alice --role analyst --password-stdin
  yuqing users list --data ./data
  yuqing users disable --data ./data --name alice`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newUsersAddCmd(), newUsersListCmd(), newUsersDisableCmd())
	return cmd
}

func newUsersAddCmd() *cobra.Command {
	var (
		df                 dirFlags
		name, role         string
		pwStdin, revealPII bool
	)
	cmd := &cobra.Command{
		Use:   "add --name NAME --role ROLE [--password-stdin] [--reveal-pii]",
		Short: "Add a user",
		Long: `Adds a user. The password (8 to 72 bytes) is read as one line from standard
input with --password-stdin; without it the account has no password and can
only use tokens (ingest clients).`,
		Example: `  echo 's3cret-passw0rd' | yuqing users add --data ./data --name alice --role analyst --password-stdin
  yuqing users add --data ./data --name sms-gateway --role ingest
  yuqing users add --config configs/distributed.yaml --name bob --role duty --password-stdin --reveal-pii < pw.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var pw string
			if pwStdin {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && line == "" {
					return errors.New("--password-stdin: no password on standard input")
				}
				pw = strings.TrimRight(line, "\r\n")
				if pw == "" {
					return errors.New("--password-stdin: the password is empty")
				}
			} else if role != auth.RoleIngest {
				fmt.Fprintln(cmd.ErrOrStderr(), "note: no --password-stdin: the user can use tokens but not log in")
			}
			dir, log, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			if err := dir.AddUser(ctx, name, role, pw, revealPII); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added user %s (role %s, reveal_pii %v)\n", name, role, revealPII)
			return recordCLI(ctx, log, audit.Entry{Action: audit.ActionUserAdd, Target: name,
				Fields: map[string]any{"role": role, "reveal_pii": revealPII}})
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&name, "name", "", "user name (required)")
	cmd.Flags().StringVar(&role, "role", "", "viewer, analyst, duty, admin or ingest (required)")
	cmd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password as one line from standard input")
	cmd.Flags().BoolVar(&revealPII, "reveal-pii", false, "may see personal data unmasked (each reveal needs a reason and is audited)")
	cmd.MarkFlagRequired("name")
	cmd.MarkFlagRequired("role")
	return cmd
}

func newUsersListCmd() *cobra.Command {
	var df dirFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the users",
		Example: `  yuqing users list --data ./data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, _, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			users, err := dir.Users(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tREVEAL_PII\tPASSWORD\tSTATUS\tCREATED")
			for _, u := range users {
				status := "active"
				if u.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%v\t%v\t%s\t%s\n", u.Name, u.Role, u.RevealPII, u.PasswordHash != "", status, u.Created.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	df.register(cmd)
	return cmd
}

func newUsersDisableCmd() *cobra.Command {
	var (
		df   dirFlags
		name string
	)
	cmd := &cobra.Command{
		Use:   "disable --name NAME",
		Short: "Disable a user: no login, and its tokens and sessions stop working",
		Long: `Disables a user. Users are never deleted, so that names in the audit log keep
meaning one person. The running server sees it within a second.`,
		Example: `  yuqing users disable --data ./data --name alice`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, log, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			if err := dir.DisableUser(cmd.Context(), name); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "disabled user %s\n", name)
			return recordCLI(cmd.Context(), log, audit.Entry{Action: audit.ActionUserDisable, Target: name})
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&name, "name", "", "user name (required)")
	cmd.MarkFlagRequired("name")
	return cmd
}
