// Package chromium holds how yuqing starts headless Chromium: the PDF
// reports (package report) and the console's browser tests use the same
// flags, which keep it off the network it would otherwise call home to
// and runnable as root in containers.
package chromium

import "github.com/chromedp/chromedp"

// Default is where Debian's chromium package (`make deps`) puts it.
const Default = "/usr/bin/chromium"

// Options are the allocator options of a headless Chromium at exe with a
// fresh profile in userDataDir; more are appended.
func Options(exe, userDataDir string, more ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	return append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests and containers run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// No background traffic: machines without internet refuse it,
		// many connections at a time, at every start.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
	}, more...)
}
