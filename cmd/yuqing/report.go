package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newReportCmd() *cobra.Command {
	var server, period, from, to, format, out string
	cmd := &cobra.Command{
		Use:   "report [flags]",
		Short: "Generate a trend report on a server and save it as HTML, PDF or Markdown",
		Long: `Ask a server to generate a trend report now (POST /api/v1/reports), then
download it in one format (GET /api/v1/reports/{id}?format=…). The server
archives it, so it is also listed in the console.

--period daily is yesterday, weekly the last Monday-to-Monday week (in the
server's report time zone); custom takes --from and --to as dates
(2006-01-02; --to includes that day) or RFC 3339 times. The report is
written to --out, or to standard output without it; its id is printed on
standard error.`,
		Example: `  yuqing report --server http://127.0.0.1:8080 --period weekly --format pdf --out week.pdf
  yuqing report --period daily --format md
  yuqing report --period custom --from 2026-11-01 --to 2026-11-07 --format html --out nov.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "html", "pdf", "md":
			default:
				return fmt.Errorf("--format %q: want html, pdf or md", format)
			}
			switch period {
			case "daily", "weekly":
				if from != "" || to != "" {
					return fmt.Errorf("--from and --to are only for --period custom")
				}
			case "custom":
				if from == "" || to == "" {
					return fmt.Errorf("--period custom needs --from and --to")
				}
			default:
				return fmt.Errorf("--period %q: want daily, weekly or custom", period)
			}
			body, _ := json.Marshal(map[string]string{"period": period, "from": from, "to": to})
			c := newClient(cmd, server)
			var rep struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			}
			if err := c.do(cmd.Context(), "POST", "/api/v1/reports", "application/json", body, &rep); err != nil {
				return fmt.Errorf("generating report: %w", err)
			}
			status, data, _, err := c.once(cmd.Context(), "GET", "/api/v1/reports/"+url.PathEscape(rep.ID)+"?format="+format, "", nil)
			if err != nil {
				return fmt.Errorf("downloading report %s: %w", rep.ID, err)
			}
			if status != 200 {
				return fmt.Errorf("downloading report %s: %w", rep.ID, decodeAnswer(status, data, nil))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "report %s: %s\n", rep.ID, rep.Title)
			if out == "" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			tmp := out + ".tmp"
			if err := os.WriteFile(tmp, data, 0o644); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			if err := os.Rename(tmp, out); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d bytes)\n", filepath.Clean(out), len(data))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "http://127.0.0.1:8080", "server base URL")
	f.StringVar(&period, "period", "weekly", "daily, weekly or custom")
	f.StringVar(&from, "from", "", "custom period start (2006-01-02 or RFC 3339)")
	f.StringVar(&to, "to", "", "custom period end (a date includes that day)")
	f.StringVar(&format, "format", "html", "html, pdf or md")
	f.StringVar(&out, "out", "", "file to write (default standard output)")
	return cmd
}
