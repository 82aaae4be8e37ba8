package web

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/yuqing-dev/yuqing/ingest"
	"github.com/yuqing-dev/yuqing/ingest/fetch"
)

// article fetches an article page and builds its Post; the error is the
// fetch's (see fetch.Permanent).
func (s *Source) article(ctx context.Context, a article) (ingest.Post, error) {
	doc, final, err := s.get(ctx, a.url)
	if err != nil {
		return ingest.Post{}, err
	}
	meta := map[string]string{"list": a.list}
	if final != a.url {
		meta["final_url"] = final
	}
	p := ingest.Post{
		Source: s.src.Name, Kind: s.kind, URL: a.url,
		Title:  oneLine(doc.Find("title").First().Text()),
		Text:   blockText(doc.FindMatcher(s.sel.body)),
		Author: authorText(s.find(doc, s.sel.author)),
	}
	if s.sel.title != nil {
		if t := oneLine(doc.FindMatcher(s.sel.title).First().Text()); t != "" {
			p.Title = t
		}
	}
	p.PublishedAt = s.now()
	if tsel := s.find(doc, s.sel.time); tsel != nil && tsel.Length() > 0 {
		raw, ok := tsel.Attr("datetime")
		if !ok {
			raw = tsel.Text()
		}
		if t, ok := parseTime(raw, s.src.Selectors.TimeFormat, s.loc); ok {
			p.PublishedAt = t
		} else {
			meta["time_unparsed"] = oneLine(raw)
		}
	}
	p.Meta, _ = json.Marshal(meta)
	p.ID = ingest.PostID(p)
	return p, nil
}

// find returns the first match of sel in doc, nil when sel is unset.
func (s *Source) find(doc *goquery.Document, sel cascadia.Selector) *goquery.Selection {
	if sel == nil {
		return nil
	}
	return doc.FindMatcher(sel).First()
}

// blockText is the text of every selected element, one line per
// paragraph.
func blockText(sel *goquery.Selection) string {
	var parts []string
	for _, n := range sel.Nodes {
		if t := fetch.NodeText(n); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// authorText is the author's name without a leading label (作者：).
func authorText(sel *goquery.Selection) string {
	if sel == nil {
		return ""
	}
	t := oneLine(sel.Text())
	for _, prefix := range []string{"作者：", "作者:", "作者", "By ", "by "} {
		if rest, ok := strings.CutPrefix(t, prefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	return t
}

// oneLine collapses whitespace to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
