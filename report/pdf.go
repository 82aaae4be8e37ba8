package report

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"unicode/utf16"

	"github.com/chromedp/chromedp"

	"github.com/yuqing-dev/yuqing/internal/chromium"
)

// DefaultChromium is where Debian's chromium package (make deps) puts it.
const DefaultChromium = chromium.Default

// ErrNoChromium is returned by RenderPDF when the Chromium binary is missing.
var ErrNoChromium = errors.New("chromium not found")

// RenderPDF prints html (RenderHTML's page) to an A4 PDF with headless
// Chromium at chromiumPath ("" = DefaultChromium), started for this call
// with a fresh profile that is removed afterwards. The page's <title>
// becomes the PDF's Title; Chinese text is set in the Noto CJK fonts the
// page's CSS names (fonts-noto-cjk). Cancelling ctx stops the browser.
func RenderPDF(ctx context.Context, html []byte, chromiumPath string) ([]byte, error) {
	if chromiumPath == "" {
		chromiumPath = DefaultChromium
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, fmt.Errorf("rendering pdf: %w: %s (apt-get install chromium fonts-noto-cjk, or set reports.chromium_path)", ErrNoChromium, chromiumPath)
	}
	dir, err := os.MkdirTemp("", "yuqing-pdf-")
	if err != nil {
		return nil, fmt.Errorf("rendering pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return nil, fmt.Errorf("rendering pdf: %w", err)
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, chromium.Options(chromiumPath, filepath.Join(dir, "profile"))...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	u := url.URL{Scheme: "file", Path: page}
	if err := chromedp.Do(bctx, chromedp.Navigate(u.String())); err != nil {
		return nil, fmt.Errorf("rendering pdf: loading page: %w", err)
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargin(0.4),
		chromedp.PDFPrintBackground(),
		chromedp.PDFFooterTemplate(`<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`),
		chromedp.PDFHeaderTemplate(`<div></div>`),
	))
	if err != nil {
		return nil, fmt.Errorf("rendering pdf: printing: %w", err)
	}
	return pdf, nil
}

// pdfTitle returns the /Title of a PDF's document info, decoding a
// UTF-16BE hex string (<FEFF…>) or a literal ASCII string; "" if none.
func pdfTitle(pdf []byte) string {
	i := bytes.Index(pdf, []byte("/Title"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(pdf[i+len("/Title"):], " \r\n")
	switch {
	case bytes.HasPrefix(rest, []byte("<")):
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return ""
		}
		raw, err := hex.DecodeString(string(bytes.Join(bytes.Fields(rest[1:end]), nil)))
		if err != nil {
			return ""
		}
		if len(raw) >= 2 && raw[0] == 0xFE && raw[1] == 0xFF {
			u := make([]uint16, 0, len(raw)/2)
			for j := 2; j+1 < len(raw); j += 2 {
				u = append(u, uint16(raw[j])<<8|uint16(raw[j+1]))
			}
			return string(utf16.Decode(u))
		}
		return string(raw)
	case bytes.HasPrefix(rest, []byte("(")):
		end := bytes.IndexByte(rest, ')')
		if end < 0 {
			return ""
		}
		return string(rest[1:end])
	}
	return ""
}
