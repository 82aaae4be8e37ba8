package rss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"

	readability "codeberg.org/readeck/go-readability/v2"

	"github.com/yuqing-dev/yuqing/ingest/fetch"
)

// errNoArticle is a page in which readability found no article.
var errNoArticle = errors.New("no readable article in the page")

// fullText fetches link and returns its readable text.
func (s *Source) fullText(ctx context.Context, link string) (string, error) {
	resp, err := s.fc.Get(ctx, fetch.Request{URL: link, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})
	if err != nil {
		return "", err
	}
	page, err := resp.UTF8()
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(resp.URL)
	art, err := readability.FromReader(bytes.NewReader(page), u)
	if err != nil {
		return "", fmt.Errorf("extracting the article of %s: %w", resp.URL, err)
	}
	if art.Node == nil {
		return "", fmt.Errorf("extracting the article of %s: %w", resp.URL, errNoArticle)
	}
	return fetch.NodeText(art.Node), nil
}
