package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
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
		cursor, collapse       string
		facets                 []string
		size, page             int
		asJSON                 bool
	)
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY",
		Short: "Search a server's index and print the hits as a table (or JSON)",
		Long: `Search everything the server has indexed, in the analysts' query language:
words (segmented like the text; all must match, in the title or the text),
"exact phrases", AND / OR / NOT and parentheses, -word to exclude, field
filters (source: kind: category: region: cluster: author:), ranges
(risk:>0.7 sentiment:<0 time:[2026-11-01 TO 2026-11-07] time:>now-24h).
Matches are shown in [brackets]; a query error points at its position.
--facets counts values of category, source, region, city, kind or author;
--collapse cluster shows one post per repost cluster with its size; the
"next:" cursor printed under a page fetches the following one.`,
		Example: `  yuqing search --server http://127.0.0.1:8080 火灾
  yuqing search '杭州 火灾 -演习' --from 2026-11-01 --to 2026-11-08
  yuqing search 'category:fraud region:浙江 time:>now-24h' --facets category,source
  yuqing search '(爆炸 OR 起火) risk:>0.7' --collapse cluster --sort risk
  yuqing search '"安全账户"' --json --size 100`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := url.Values{"q": {args[0]}, "size": {strconv.Itoa(size)}, "page": {strconv.Itoa(page)}}
			for k, s := range map[string]string{"from": from, "to": to, "sort": sort,
				"cursor": cursor, "collapse": collapse, "facets": strings.Join(facets, ",")} {
				if s != "" {
					v.Set(k, s)
				}
			}
			var res index.Result
			if err := newClient(cmd, server).do(cmd.Context(), "GET", "/api/v1/search?"+v.Encode(), "", nil, &res); err != nil {
				var ae *apiError
				if errors.As(err, &ae) && ae.Code == "bad_query" && ae.Position != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "error: %s\n  %s\n  %s^\n", ae.Message, args[0], caretPad(args[0], *ae.Position))
					return exitCode(2)
				}
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
	f.StringVar(&sort, "sort", "", "time (newest first, default), relevance or risk")
	f.StringVar(&cursor, "cursor", "", "continue after a page: the cursor printed under it")
	f.StringVar(&collapse, "collapse", "", "cluster: one hit per repost cluster")
	f.StringSliceVar(&facets, "facets", nil, "count values of these fields: category,source,region,city,kind,author")
	f.IntVar(&size, "size", 20, "hits per page (at most 200)")
	f.IntVar(&page, "page", 1, "page number")
	f.BoolVar(&asJSON, "json", false, "print the server's JSON answer")
	return cmd
}

// caretPad is the white space that puts a caret under rune pos of q on a
// terminal (CJK characters are two columns wide).
func caretPad(q string, pos int) string {
	cols := 0
	for i, r := range []rune(q) {
		if i >= pos {
			break
		}
		cols++
		if r >= 0x1100 && (r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFF60 || r >= 0x20000) {
			cols++
		}
	}
	return strings.Repeat(" ", cols)
}

func printHits(w io.Writer, res index.Result, page, size int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	collapsed := len(res.Hits) > 0 && res.Hits[0].Cluster != nil
	if collapsed {
		fmt.Fprintln(tw, "PUBLISHED\tSOURCE\tID\tRISK\tREPOSTS\tMATCH")
	} else {
		fmt.Fprintln(tw, "PUBLISHED\tSOURCE\tID\tRISK\tMATCH")
	}
	for _, h := range res.Hits {
		frag := matchFragment(h.Fragments)
		if frag == "" {
			frag = h.Doc.Text
		}
		cols := []string{h.Doc.PublishedAt.Local().Format("2006-01-02 15:04"), h.Doc.Source, h.ID,
			strconv.FormatFloat(h.Doc.Risk, 'f', 2, 64)}
		if collapsed {
			cols = append(cols, strconv.FormatUint(h.Cluster.Size, 10))
		}
		cols = append(cols, terminalFragment(frag, 80))
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	tw.Flush()
	if len(res.Hits) == 0 {
		fmt.Fprintf(w, "no hits of %d (%.1f ms)\n", res.Total, res.TookMS)
	} else {
		first := (page-1)*size + 1
		fmt.Fprintf(w, "%d-%d of %d hits (%.1f ms)\n", first, first+len(res.Hits)-1, res.Total, res.TookMS)
	}
	for _, name := range slices.Sorted(maps.Keys(res.Facets)) {
		var parts []string
		for _, v := range res.Facets[name].Values {
			parts = append(parts, fmt.Sprintf("%s %d", v.Value, v.Count))
		}
		fmt.Fprintf(w, "%s: %s\n", name, strings.Join(parts, ", "))
	}
	if res.Next != "" {
		fmt.Fprintf(w, "next: --cursor %s\n", res.Next)
	}
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
