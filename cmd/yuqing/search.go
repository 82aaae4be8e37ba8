package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/yuqing-dev/yuqing/index"
)

func newSearchCmd() *cobra.Command {
	var (
		server, from, to, sort string
		size, page             int
		asJSON                 bool
	)
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY",
		Short: "Search a server's index and print the hits as a table (or JSON)",
		Long: `Search everything the server has indexed. The query is words (segmented
like the text: all must match, in the title or the text), "exact phrases",
and -word to exclude. Matches are shown in [brackets].`,
		Example: `  yuqing search --server http://127.0.0.1:8080 火灾
  yuqing search '杭州 火灾 -演习' --from 2026-11-01 --to 2026-11-08
  yuqing search '"安全账户"' --json --size 100`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := url.Values{"q": {args[0]}, "size": {strconv.Itoa(size)}, "page": {strconv.Itoa(page)}}
			for k, s := range map[string]string{"from": from, "to": to, "sort": sort} {
				if s != "" {
					v.Set(k, s)
				}
			}
			var res index.Result
			if err := newClient(server).do(cmd.Context(), "GET", "/api/v1/search?"+v.Encode(), "", nil, &res); err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			printHits(cmd.OutOrStdout(), res, page, size)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "http://127.0.0.1:8080", "server base URL")
	f.StringVar(&from, "from", "", "published at or after (RFC 3339 or 2006-01-02)")
	f.StringVar(&to, "to", "", "published before (RFC 3339 or 2006-01-02)")
	f.StringVar(&sort, "sort", "", "time (newest first, default) or relevance")
	f.IntVar(&size, "size", 20, "hits per page (at most 200)")
	f.IntVar(&page, "page", 1, "page number")
	f.BoolVar(&asJSON, "json", false, "print the server's JSON answer")
	return cmd
}

func printHits(w io.Writer, res index.Result, page, size int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PUBLISHED\tSOURCE\tID\tMATCH")
	for _, h := range res.Hits {
		frag := matchFragment(h.Fragments)
		if frag == "" {
			frag = h.Doc.Text
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Doc.PublishedAt.Local().Format("2006-01-02 15:04"),
			h.Doc.Source, h.ID, terminalFragment(frag, 80))
	}
	tw.Flush()
	if len(res.Hits) == 0 {
		fmt.Fprintf(w, "no hits of %d (%.1f ms)\n", res.Total, res.TookMS)
		return
	}
	first := (page-1)*size + 1
	fmt.Fprintf(w, "%d-%d of %d hits (%.1f ms)\n", first, first+len(res.Hits)-1, res.Total, res.TookMS)
}

// matchFragment returns the first fragment with a highlighted match,
// title before text, or "" when there is none.
func matchFragment(frags map[string][]string) string {
	for _, f := range []string{"title", "text"} {
		for _, frag := range frags[f] {
			if strings.Contains(frag, "<mark>") {
				return frag
			}
		}
	}
	return ""
}

// terminalFragment turns an HTML fragment with <mark> into plain text
// with [brackets], on one line, at most n runes.
func terminalFragment(s string, n int) string {
	r := strings.NewReplacer("<mark>", "[", "</mark>", "]", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "\n", " ", "\t", " ")
	s = strings.TrimSpace(r.Replace(s))
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}
