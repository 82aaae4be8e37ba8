package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/api"
)

func newIngestCmd() *cobra.Command {
	var (
		server string
		sms    bool
		batch  int
		quiet  bool
	)
	cmd := &cobra.Command{
		Use:   "ingest [flags] FILE...",
		Short: "Send Post (or SMS) files to a server: NDJSON, JSON array or CSV with a header, optionally .gz",
		Long: `Send records to a running server in batches. Each record is checked on its
own: rejected records are listed with their file and line and the reason,
and never stop the good records beside them. A batch is acknowledged only
once it is durable on the server; batches answered 429/503 are retried
(ids make that safe). Exit status: 0 all accepted, 1 some rejected,
2 an error stopped it.`,
		Example: `  yuqing ingest --server http://127.0.0.1:8080 posts.ndjson
  yuqing ingest --server http://127.0.0.1:8080 export.csv more.json.gz
  yuqing ingest --server http://127.0.0.1:8080 --sms gateway.ndjson`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			path := "/api/v1/ingest/posts"
			if sms {
				path = "/api/v1/ingest/sms"
			}
			ing := &ingester{c: newClient(cmd, server), path: path, batch: batch, out: cmd.OutOrStdout(), progress: cmd.ErrOrStderr()}
			if quiet {
				ing.progress = io.Discard
			}
			for _, f := range files {
				if err := ing.file(ctx, f); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "total: %d accepted, %d rejected\n", ing.accepted, ing.rejected)
			if ing.rejected > 0 {
				return exitCode(1)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "http://127.0.0.1:8080", "server base URL")
	f.BoolVar(&sms, "sms", false, "the files hold SMS records (sender, receiver, text, received_at, gateway)")
	f.IntVar(&batch, "batch", 500, "records per request")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}

type ingester struct {
	c                  *client
	path               string
	batch              int
	out, progress      io.Writer
	accepted, rejected int
}

// file sends one file batch by batch, printing rejects as FILE:LINE.
func (ing *ingester) file(ctx context.Context, path string) error {
	rr, closer, err := openRecords(path)
	if err != nil {
		return err
	}
	defer closer.Close()
	start := time.Now()
	var sent, acc, rej int
	for {
		recs, readErr := readBatch(rr, ing.batch)
		if len(recs) > 0 {
			a, r, err := ing.send(ctx, path, recs)
			if err != nil {
				return fmt.Errorf("%s: records %d-%d: %w", path, recs[0].n, recs[len(recs)-1].n, err)
			}
			sent, acc, rej = sent+len(recs), acc+a, rej+r
			fmt.Fprintf(ing.progress, "\r%s: %d sent, %d accepted, %d rejected (%.0f/s)", path, sent, acc, rej,
				float64(sent)/time.Since(start).Seconds())
		}
		if errors.Is(readErr, io.EOF) {
			break
		}
		if readErr != nil {
			fmt.Fprintln(ing.progress)
			return fmt.Errorf("%s: %w", path, readErr)
		}
	}
	fmt.Fprintln(ing.progress)
	ing.accepted += acc
	ing.rejected += rej
	return nil
}

func readBatch(rr recordReader, n int) ([]fileRecord, error) {
	recs := make([]fileRecord, 0, n)
	for len(recs) < n {
		r, err := rr.next()
		if err != nil {
			return recs, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// send posts one batch as NDJSON and prints its rejects.
func (ing *ingester) send(ctx context.Context, path string, recs []fileRecord) (accepted, rejected int, err error) {
	var body bytes.Buffer
	for _, r := range recs {
		body.Write(bytes.ReplaceAll(r.raw, []byte("\n"), []byte(" ")))
		body.WriteByte('\n')
	}
	var resp api.IngestResponse
	err = ing.c.do(ctx, "POST", ing.path, "application/x-ndjson", body.Bytes(), &resp)
	var ae *apiError
	if err != nil && !(errors.As(err, &ae) && ae.Code == api.CodeNoValidRecords) {
		return 0, 0, err
	}
	for _, rj := range resp.Rejects {
		where := fmt.Sprintf("record %d", rj.Index+1)
		if rj.Index < len(recs) {
			r := recs[rj.Index]
			where = fmt.Sprintf("record %d", r.n)
			if r.line > 0 {
				where = fmt.Sprintf("line %d", r.line)
			}
		}
		fmt.Fprintf(ing.out, "%s:%s: %s: %s\n", path, where, rj.Code, rj.Message)
	}
	return resp.Accepted, resp.Rejected, nil
}
