package testkit

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) { RunMain(m) }

const validPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Valid</title>
</head>
<body>
<main>
<h1>Hello</h1>
<p>A valid page.</p>
</main>
</body>
</html>
`

// warningPage is valid but draws a warning from the checker (a section
// without a heading), which must not count as an error.
const warningPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Warn</title></head>
<body><section><p>No heading here.</p></section></body></html>
`

const invalidPage = `<!DOCTYPE html><html><head></head><body><p><div></p></body></html>`

func TestValidateHTMLAcceptsValidPage(t *testing.T) {
	t.Parallel()
	ValidateHTML(t, "valid page", []byte(validPage))
	ValidateHTML(t, "page with a warning", []byte(warningPage))
}

func TestCheckHTMLReportsErrors(t *testing.T) {
	t.Parallel()
	errs, err := CheckHTML([]byte(invalidPage))
	requireErr(t, "CheckHTML", err)
	if len(errs) == 0 {
		t.Fatal("CheckHTML found no error in an invalid page")
	}
	joined := strings.Join(errs, "\n")
	if !strings.Contains(joined, "title") {
		t.Errorf("CheckHTML did not report the missing title:\n%s", joined)
	}
	t.Logf("errors (expected):\n%s", joined)
}

// servePages serves each page of pages as text/html at its path.
func servePages(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for path, body := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestAxeAcceptsAccessiblePage(t *testing.T) {
	t.Parallel()
	srv := servePages(t, map[string]string{"/{$}": validPage})
	ctx := Browser(t)
	consoleErrs := ConsoleErrors(ctx)
	Axe(t, ctx, srv.URL+"/")
	if errs := consoleErrs(); len(errs) > 0 {
		t.Errorf("console errors on a clean page: %q", errs)
	}
}

func TestCheckAxeFindsImageWithoutAlt(t *testing.T) {
	t.Parallel()
	page := strings.Replace(validPage, "<p>A valid page.</p>", `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`, 1)
	srv := servePages(t, map[string]string{"/{$}": page})
	ctx := Browser(t)
	vs, err := CheckAxe(ctx, srv.URL+"/")
	requireErr(t, "CheckAxe", err)
	i := slices.IndexFunc(vs, func(v AxeViolation) bool { return v.ID == "image-alt" })
	if i < 0 {
		t.Fatalf("CheckAxe did not report image-alt; got %v", vs)
	}
	if v := vs[i]; v.Impact == "" || v.Help == "" || len(v.Targets) == 0 || v.Targets[0] != "img" {
		t.Errorf("image-alt violation lacks details: %+v", v)
	}
}

func TestConsoleErrorsCollectsErrorsAndExceptions(t *testing.T) {
	t.Parallel()
	page := strings.Replace(validPage, "</main>", `</main>
<img src="/missing.png" alt="Missing">
<script>console.log("fine"); console.error("boom", 42); throw new TypeError("kaput");</script>`, 1)
	srv := servePages(t, map[string]string{"/{$}": page})
	ctx := Browser(t)
	consoleErrs := ConsoleErrors(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(consoleErrs(), "\n")
	for _, want := range []string{"console.error: boom 42", "TypeError: kaput", "404"} {
		if !strings.Contains(got, want) {
			t.Errorf("console errors lack %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "fine") {
		t.Errorf("console errors include a console.log:\n%s", got)
	}
}

func TestScreenshotWritesPNG(t *testing.T) {
	t.Parallel()
	srv := servePages(t, map[string]string{"/{$}": validPage})
	ctx := Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	path := Screenshot(t, ctx, "testkit/TestScreenshotWritesPNG", 390)
	t.Cleanup(func() { os.Remove(path) })
	if want := filepath.Join(RepoRoot(t), "artifacts", "screenshots", "testkit_TestScreenshotWritesPNG.png"); path != want {
		t.Errorf("path = %s, want %s", path, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 100 {
		t.Errorf("%s is not a PNG (%d bytes)", path, len(data))
	}
}

const rss = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Octavo test</title><link>http://example.com/</link><description>Test feed</description>
<item><title>First</title><link>http://example.com/first</link><guid>http://example.com/first</guid>
<pubDate>Mon, 02 Jan 2006 15:04:05 +0000</pubDate><description>Hello &lt;b&gt;world&lt;/b&gt;</description>
<category>go</category></item>
</channel></rss>
`

func TestFeedparser(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write([]byte(rss))
	})
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write([]byte(strings.Replace(rss, "</channel>", "", 1)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	d := Feedparser(t, srv.URL+"/feed.xml")
	if d["bozo"] != 0.0 || d["version"] != "rss20" {
		t.Errorf("bozo = %v (%v), version = %v; want 0 and rss20", d["bozo"], d["bozo_exception"], d["version"])
	}
	if title := d["feed"].(map[string]any)["title"]; title != "Octavo test" {
		t.Errorf("feed title = %v", title)
	}
	entries := d["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1", len(entries))
	}
	e := entries[0].(map[string]any)
	if e["title"] != "First" || e["id"] != "http://example.com/first" || e["published"] == "" ||
		e["summary_length"].(float64) == 0 || len(e["tags"].([]any)) != 1 {
		t.Errorf("entry = %v", e)
	}

	if d := Feedparser(t, srv.URL+"/broken.xml"); d["bozo"] != 1.0 {
		t.Errorf("a broken feed gave bozo = %v", d["bozo"])
	}
}

func TestRepoRootAndSharedDir(t *testing.T) {
	root := RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if dir := SharedDir(t); filepath.Dir(dir) != filepath.Dir(root) {
		t.Errorf("SharedDir = %s, not next to %s", dir, root)
	}
}

// fakeTB records what RequireTool asks of a test instead of stopping it.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skipf(string, ...any)  { f.skipped = true }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true }

func TestRequireTool(t *testing.T) {
	for _, tc := range []struct {
		require, ci string
		ok          bool
		skip, fail  bool
	}{
		{ok: true},
		{ok: false, skip: true},
		{require: "1", ok: false, fail: true},
		{ci: "true", ok: false, fail: true},
		{require: "1", ok: true},
	} {
		t.Setenv("OCTAVO_REQUIRE_TOOLS", tc.require)
		t.Setenv("CI", tc.ci)
		f := &fakeTB{}
		RequireTool(f, "a tool", tc.ok)
		if f.skipped != tc.skip || f.failed != tc.fail {
			t.Errorf("OCTAVO_REQUIRE_TOOLS=%q CI=%q ok=%v: skipped=%v failed=%v, want %v %v",
				tc.require, tc.ci, tc.ok, f.skipped, f.failed, tc.skip, tc.fail)
		}
	}
}
