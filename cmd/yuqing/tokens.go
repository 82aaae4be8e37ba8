package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/audit"
	"github.com/yuqing-dev/yuqing/configs"
)

func newTokensCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "Create, list and revoke API tokens",
		Long: `An API token acts as its user: send it as "Authorization: Bearer TOKEN".
It is printed once, when created; only its SHA-256 hash is kept (in
DATA/auth/tokens.json, or in Redis with a distributed --config). Tokens
expire (90 days unless --expires says otherwise) and can be revoked; the
running server sees a revocation within a second.`,
		Example: `  yuqing tokens create --data ./data --user alice
  yuqing tokens list --data ./data
  yuqing tokens revoke --data ./data --id 3f2a9c01b7de`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTokensCreateCmd(), newTokensListCmd(), newTokensRevokeCmd())
	return cmd
}

func newTokensCreateCmd() *cobra.Command {
	var (
		df                  dirFlags
		userName, name, exp string
	)
	cmd := &cobra.Command{
		Use:   "create --user NAME [--name LABEL] [--expires 90d]",
		Short: "Create a token for a user and print it (once)",
		Long: `Creates a token for a user and prints it on standard output, alone on its
line; it cannot be shown again. The token's id and expiry go to standard
error.`,
		Example: `  yuqing tokens create --data ./data --user alice
  TOKEN=$(yuqing tokens create --data ./data --user sms-gateway --name gateway --expires 365d)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/me`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ttl, err := configs.ParseRetention(exp)
			if err != nil || ttl <= 0 {
				return fmt.Errorf("--expires: %q is not a positive duration like 90d, 12w or 720h", exp)
			}
			dir, log, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			plain, tok, err := dir.CreateToken(cmd.Context(), userName, name, ttl)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), plain)
			fmt.Fprintf(cmd.ErrOrStderr(), "token %s (%s) for %s, expires %s; it is shown only now\n",
				tok.ID, tok.Name, tok.User, tok.Expires.Format(time.RFC3339))
			return recordCLI(cmd.Context(), log, audit.Entry{Action: audit.ActionTokenCreate, Target: tok.ID,
				Fields: map[string]any{"user": tok.User, "name": tok.Name, "expires": tok.Expires}})
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&userName, "user", "", "the user the token acts as (required)")
	cmd.Flags().StringVar(&name, "name", "", "a label for lists (default USER-DATE)")
	cmd.Flags().StringVar(&exp, "expires", "90d", "lifetime: days (90d), weeks (12w) or hours (720h)")
	cmd.MarkFlagRequired("user")
	return cmd
}

func newTokensListCmd() *cobra.Command {
	var df dirFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the tokens (ids, users, expiry; never the tokens)",
		Example: `  yuqing tokens list --data ./data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, _, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			toks, err := dir.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			now := time.Now()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tUSER\tCREATED\tEXPIRES\tSTATUS")
			for _, t := range toks {
				status := "active"
				switch {
				case t.Revoked:
					status = "revoked"
				case !now.Before(t.Expires):
					status = "expired"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.User,
					t.Created.Format(time.RFC3339), t.Expires.Format(time.RFC3339), status)
			}
			return tw.Flush()
		},
	}
	df.register(cmd)
	return cmd
}

func newTokensRevokeCmd() *cobra.Command {
	var (
		df dirFlags
		id string
	)
	cmd := &cobra.Command{
		Use:     "revoke --id ID|NAME",
		Short:   "Revoke a token by id (or every token with that name)",
		Example: `  yuqing tokens revoke --data ./data --id 3f2a9c01b7de`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" {
				return errors.New("--id: name the token (its id from `yuqing tokens list`)")
			}
			dir, log, closeFn, err := df.open()
			if err != nil {
				return err
			}
			defer closeFn()
			n, err := dir.RevokeToken(cmd.Context(), id)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %d token(s)\n", n)
			return recordCLI(cmd.Context(), log, audit.Entry{Action: audit.ActionTokenRevoke, Target: id})
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&id, "id", "", "the token's id or name (required)")
	return cmd
}
