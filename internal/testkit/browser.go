package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, installed by scripts/test.
const chromiumPath = "/usr/bin/chromium"

// axeScript is the path of axe-core's browser bundle, relative to the
// repository root. npm installs it from e2e/package.json.
const axeScript = "e2e/node_modules/axe-core/axe.min.js"

// sharedBrowser is the one headless Chromium of the test process.
var sharedBrowser struct {
	once        sync.Once
	mu          sync.Mutex // guards cancel and allocCancel for stopBrowser
	ctx         context.Context
	err         error
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
}

// startBrowser starts the shared Chromium once and returns the context of
// its first tab, whose children are new tabs of the same browser.
func startBrowser() (context.Context, error) {
	sharedBrowser.once.Do(func() {
		if _, err := os.Stat(chromiumPath); err != nil {
			sharedBrowser.err = fmt.Errorf("chromium (%s): %w", chromiumPath, ErrToolMissing)
			return
		}
		// The flags are those of shared/TESTING.md. No UserDataDir option:
		// without it chromedp makes a fresh profile directory with
		// os.MkdirTemp for this browser, kills any Chromium child process
		// still using it when the browser stops, and removes it.
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless, // also hides scrollbars and mutes audio
			chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("force-color-profile", "srgb"),
		}
		allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		// Do with no action starts the browser and opens its first tab.
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			allocCancel()
			sharedBrowser.err = fmt.Errorf("starting %s: %w", chromiumPath, err)
			return
		}
		sharedBrowser.mu.Lock()
		sharedBrowser.ctx, sharedBrowser.cancel, sharedBrowser.allocCancel = ctx, cancel, allocCancel
		sharedBrowser.mu.Unlock()
	})
	return sharedBrowser.ctx, sharedBrowser.err
}

// stopBrowser closes the shared Chromium, if it runs, and waits until its
// profile directory is removed.
func stopBrowser() {
	sharedBrowser.mu.Lock()
	defer sharedBrowser.mu.Unlock()
	if sharedBrowser.cancel == nil {
		return
	}
	sharedBrowser.cancel()
	sharedBrowser.allocCancel()
	sharedBrowser.cancel, sharedBrowser.allocCancel = nil, nil
}

// Browser returns the context of a new tab of the test process's shared
// headless Chromium, for chromedp actions (chromedp.Do, chromedp.Run). The
// first call starts the browser (2–4 s); later calls open a tab in it. The
// tab closes when the test ends (t.Cleanup). Tabs of different tests are
// independent, so parallel tests may each use their own; one tab must not be
// used from two goroutines at once.
//
// The context has no deadline: wrap it with context.WithTimeout to bound a
// step. It skips or fails the test through RequireTool when /usr/bin/chromium
// is missing. Call RunMain from TestMain to stop the browser when the tests
// end.
func Browser(t testing.TB) context.Context {
	t.Helper()
	bctx, err := startBrowser()
	requireErr(t, "starting the browser", err)
	ctx, cancel := chromedp.NewContext(bctx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("testkit: opening a browser tab: %v", err)
	}
	t.Cleanup(cancel)
	return ctx
}

// ConsoleErrors starts collecting the errors that the page of the tab ctx
// reports, and returns a func that returns those collected so far. Call it
// before navigating. It collects:
//
//   - calls of console.error and failed console.assert,
//   - uncaught exceptions and unhandled promise rejections,
//   - the browser's own error log entries, such as "Failed to load resource"
//     for a sub-resource that answered 404 or could not be fetched (except
//     /favicon.ico, which the browser asks for by itself: check a site's
//     favicon with an HTTP test if it matters).
//
// Each message starts with its kind. Events are recorded before the chromedp
// action that follows them returns, so after chromedp.Navigate (which waits for
// the load event) the errors of the page's load are all there. If the tab
// cannot be listened to, the returned func reports that as its only message.
func ConsoleErrors(ctx context.Context) func() []string {
	var (
		mu   sync.Mutex
		msgs []string
	)
	err := chromedp.Listen(ctx, func(ev any) {
		var m string
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			switch e.Type {
			case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
				m = "console." + string(e.Type) + ": " + consoleArgs(e.Args)
			default:
				return
			}
		case *runtime.EventExceptionThrown:
			m = "exception: " + exceptionText(e.ExceptionDetails)
		case *log.EventEntryAdded:
			if e.Entry == nil || e.Entry.Level != log.EntryLevelError || isFavicon(e.Entry.URL) {
				return
			}
			m = fmt.Sprintf("%s error: %s", e.Entry.Source, e.Entry.Text)
			if e.Entry.URL != "" {
				m += " (" + e.Entry.URL + ")"
			}
		default:
			return
		}
		mu.Lock()
		msgs = append(msgs, m)
		mu.Unlock()
	})
	if err != nil {
		msg := "testkit: cannot listen to the console of the tab: " + err.Error()
		return func() []string { return []string{msg} }
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(msgs)
	}
}

// isFavicon reports whether rawURL is the /favicon.ico that Chromium fetches
// for every page on its own.
func isFavicon(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Path == "/favicon.ico"
}

// consoleArgs renders the arguments of a console call in short form.
func consoleArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, remoteText(a))
	}
	return strings.Join(parts, " ")
}

// remoteText renders one value of the page: a string as it is, another
// primitive as JSON, an object by its description.
func remoteText(a *runtime.RemoteObject) string {
	if a == nil {
		return ""
	}
	if len(a.Value) > 0 {
		var s string
		if json.Unmarshal(a.Value, &s) == nil {
			return s
		}
		return string(a.Value)
	}
	if a.UnserializableValue != "" {
		return string(a.UnserializableValue)
	}
	if a.Description != "" {
		return a.Description
	}
	return string(a.Type)
}

// exceptionText renders an uncaught exception with its place.
func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "unknown exception"
	}
	s := d.Text
	if d.Exception != nil {
		desc, _, _ := strings.Cut(remoteText(d.Exception), "\n    at ")
		s += " " + desc
	}
	if d.URL != "" {
		s += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return s
}

// AxeViolation is one rule of axe-core that a page breaks.
type AxeViolation struct {
	// ID is the rule, for example "image-alt".
	ID string `json:"id"`
	// Impact is "minor", "moderate", "serious" or "critical".
	Impact string `json:"impact"`
	// Help is the rule's one-line description.
	Help string `json:"help"`
	// HelpURL links to the rule's documentation.
	HelpURL string `json:"helpUrl"`
	// Targets are CSS selectors of the elements that break the rule.
	Targets []string `json:"targets"`
}

// String renders the violation on one line.
func (v AxeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s; elements: %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// axeRun runs axe-core on the document and returns its violations as JSON.
// A target is an array of selectors (one per frame or shadow root level).
const axeRun = `(async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return JSON.stringify(r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)).join(' >>> ')),
  })));
})()`

// CheckAxe navigates the tab ctx (from Browser) to url, or stays on the
// current page when url is empty, injects axe-core and returns the page's
// accessibility violations. The error is non-nil when the check could not
// run; it wraps ErrToolMissing when axe-core (npm ci in e2e/) is missing.
func CheckAxe(ctx context.Context, url string) ([]AxeViolation, error) {
	root, err := findRepoRoot()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, axeScript)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("axe-core %s (npm ci in e2e/): %w", path, ErrToolMissing)
	}
	var steps []chromedp.Action[chromedp.Void]
	if url != "" {
		steps = append(steps, chromedp.Navigate(url))
	}
	// "void 0" keeps the script's own last value from being returned.
	steps = append(steps, chromedp.Evaluate[chromedp.Void](
		"if (typeof axe === 'undefined') {\n"+string(src)+"\n}\nvoid 0"))
	if err := chromedp.Do(ctx, steps...); err != nil {
		return nil, fmt.Errorf("loading %q and axe-core: %w", url, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("decoding axe-core's results: %w", err)
	}
	return vs, nil
}

// Axe navigates the tab ctx (from Browser) to url (the current page is
// checked when url is empty), runs axe-core on it and fails the test listing
// every violation: its rule id, impact, help text and the selectors of the
// offending elements. Zero violations is the bar. It skips or fails the test
// through RequireTool when axe-core is missing.
func Axe(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	vs, err := CheckAxe(ctx, url)
	requireErr(t, "axe-core", err)
	if len(vs) == 0 {
		return
	}
	if url == "" {
		url = "the current page"
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = v.String()
	}
	t.Errorf("axe-core found %d accessibility violation(s) on %s:\n  %s", len(vs), url, strings.Join(lines, "\n  "))
}

// unsafeName matches the characters that a screenshot's file name may not
// hold.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot sets the viewport of the tab ctx (from Browser) to width×900
// CSS pixels, takes a full-page PNG screenshot of the current page and writes
// it to <repo root>/artifacts/screenshots/<name>.png, where characters other
// than letters, digits, '.', '_' and '-' in name become '_'. It logs and
// returns the file's path. The viewport keeps that size afterwards.
func Screenshot(t testing.TB, ctx context.Context, name string, width int) string {
	t.Helper()
	// Quality 100 makes chromedp ask for PNG; any other quality gives JPEG.
	png, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.EmulateViewport(int64(width), 900)(ctx, tg); err != nil {
			return nil, err
		}
		return chromedp.FullScreenshot(100)(ctx, tg)
	})
	if err != nil {
		t.Fatalf("testkit: screenshot %s: %v", name, err)
	}
	dir := filepath.Join(RepoRoot(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d px wide): %s", name, width, path)
	return path
}
