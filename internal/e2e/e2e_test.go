// Package e2e drives a real `octavo serve` with real checkers: headless
// Chromium (chromedp) for clicks, screenshots and axe-core, and the W3C Nu
// HTML checker.
package e2e

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
	"octavo/internal/testkit"
)

func TestMain(m *testing.M) { testkit.RunMain(m) }

// startDemo writes the demo blog (4 posts a page, so lists paginate) into a
// temporary folder and runs `octavo serve` on it; it returns the base URL.
func startDemo(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	svc := content.New(store, markdown.New(), blog.SystemClock{}, nil)
	if _, err := seed.Run(ctx, store, svc); err != nil {
		t.Fatal(err)
	}
	st, _ := store.Settings(ctx)
	st.PostsPerPage = 4
	if err := store.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	store.Close()

	return serve(t, []string{"--data", data}, cli.Env{Stdout: io.Discard, Stderr: io.Discard})
}

// serve runs `octavo serve` with args on a free port of 127.0.0.1 until
// the test ends, and returns its base URL. env gives its output (and
// clock); serve fills in the rest.
func serve(t *testing.T, args []string, env cli.Env) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env.Getenv = func(string) string { return "" }
	env.Ready = func(addr string) { ready <- addr }
	go func() {
		done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env)
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return ""
}

// pageTypes is one URL of every page type of the demo blog.
var pageTypes = []string{
	"/",
	"/page/2/",
	"/tag/go/",
	"/archive/",
	"/2026/",
	"/2026/06/",
	"/2026/11/welcome-to-octavo/",        // rich excerpt source, task list
	"/2026/10/making-a-small-blog-fast/", // table of contents
	"/2026/08/security-headers-for-a-small-site/", // table
	"/2026/07/why-i-still-write-in-markdown/",     // footnotes
	"/about/",
	"/no-such-page/",                     // 404
	"/search?q=sqlite+%22query+plan*%22", // search results, marks in titles and snippets
	"/search?q=AND",                      // search with a message
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHTMLValid runs every page type through the W3C Nu HTML checker.
func TestHTMLValid(t *testing.T) {
	base := startDemo(t)
	for _, p := range pageTypes {
		t.Run(p, func(t *testing.T) {
			testkit.ValidateHTML(t, p, fetch(t, base+p))
		})
	}
}

// TestAccessibility runs axe-core on every page type, in the light and in
// the dark colour scheme.
func TestAccessibility(t *testing.T) {
	base := startDemo(t)
	for _, scheme := range []string{"light", "dark"} {
		ctx := testkit.Browser(t)
		if err := chromedp.Do(ctx, colourScheme(scheme)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pageTypes {
			t.Run(scheme+p, func(t *testing.T) {
				testkit.Axe(t, ctx, base+p)
			})
		}
	}
}

// TestReadMoreFlow is a reader's first minute: open the front page, click
// the first "Read More", land on the whole post with highlighted code.
func TestReadMoreFlow(t *testing.T) {
	base := startDemo(t)
	ctx := testkit.Browser(t)
	errs := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "front-page-1280", 1280)
	testkit.Screenshot(t, ctx, "front-page-375", 375)

	firstTitle, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article.summary h2 a`)))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Click(chromedp.CSS(`p.more a`)),
		chromedp.WaitVisible(chromedp.CSS(`article.post`)),
	); err != nil {
		t.Fatal(err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article.post h1`)))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('article.post pre.chroma code span[class]:not(.line):not(.cl):not(.w)').length`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(location, base+"/2026/") {
		t.Errorf("landed on %s, want a post permalink", location)
	}
	if h1 != firstTitle {
		t.Errorf("post title %q, want the clicked %q", h1, firstTitle)
	}
	if tokens < 2 {
		t.Errorf("want a highlighted code block (token spans), found %d spans", tokens)
	}
	colour, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('article.post pre.chroma code span[class]:not(.line):not(.cl):not(.w)')).color`))
	if err != nil {
		t.Fatal(err)
	}
	if colour == "" || colour == "rgb(29, 31, 35)" {
		t.Errorf("code tokens are not coloured by the stylesheet: %q", colour)
	}
	testkit.Screenshot(t, ctx, "post-1280", 1280)
	testkit.Screenshot(t, ctx, "post-375", 375)
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

// colourScheme makes the tab prefer the light or the dark colour scheme.
func colourScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}
