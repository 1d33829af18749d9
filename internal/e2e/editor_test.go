package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/store/sqlite"
	"octavo/internal/testkit"
)

// startWithClock runs `octavo serve` on a new blog without demo content,
// with an owner and a clock the test moves; it returns the base URL.
func startWithClock(t *testing.T, clock *blog.ManualClock, login, password string) string {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.New(auth.Options{Store: st, Clock: clock}).AddUser(ctx, auth.NewAccount{Username: login, Password: password}, blog.RoleOwner); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return serve(t, []string{"--data", data, "--no-seed"}, cli.Env{Stdout: io.Discard, Stderr: io.Discard, Clock: clock})
}

// noRedirects is an HTTP client that shows redirects instead of
// following them, without the browser's cookies: a visitor.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func visit(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := noRedirects.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

var pathRE = regexp.MustCompile(`Now: <code>(/[^<]+)</code>`)

// TestEditorFlow is issue 6's end-to-end test, in headless Chromium with
// a clock the test moves: log in; write a post with Go code before
// <!--more--> and see the live preview highlight it; schedule it a minute
// ahead; publish another now, which is on / with its excerpt and "Read
// More"; move the clock past the scheduled time, and the first appears on
// / and in /feed.xml; change its slug, and its old URL answers 301;
// restore an earlier revision. axe-core and the W3C checker look at every
// editor page on the way.
func TestEditorFlow(t *testing.T) {
	testkit.PrestartHTMLValidator()
	const login, password = "olive", "the owner's long passphrase"
	start := time.Now().UTC().Truncate(time.Minute)
	clock := blog.NewManualClock(start)
	base := startWithClock(t, clock, login, password)
	ctx := testkit.Browser(t)
	consoleErrors := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	must := mustDo(t, ctx)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	must("logging in", chromedp.EmulateViewport(1280, 900), logIn(base, login, password))

	// A post with Go code before <!--more-->: the live preview highlights it.
	body := "Some Go first:\n\n```go\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n```\n\n<!--more-->\n\nThe rest of the notes."
	must("opening the editor", chromedp.Navigate(base+"/admin/posts/new"), chromedp.WaitVisible(chromedp.ID("body")))
	checkPage(t, ctx, pageCheck{name: "new post editor", dark: true})
	must("typing", fill(map[string]string{"title": "Scheduled notes"}), chromedp.SetValue(chromedp.ID("body"), body),
		evalVoid(`document.getElementById('body').dispatchEvent(new Event('input', {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS(`#preview pre.chroma .kd`)))
	if kw := text(`#preview pre.chroma .kd`); kw != "func" {
		t.Errorf("highlighted keyword %q", kw)
	}
	colour, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#preview pre.chroma .kd')).color`))
	if colour == "" || colour == "rgb(29, 31, 35)" {
		t.Errorf("the preview's code is not coloured by the theme's palette: %q", colour)
	}
	testkit.Screenshot(t, ctx, "admin-editor-1280", 1280)

	// Scheduled a minute ahead (the input has minutes).
	at := start.Add(time.Minute)
	must("scheduling", chromedp.SetValue(chromedp.ID("status"), "scheduled"), chromedp.SetValue(chromedp.ID("publish_at"), at.Format("2006-01-02T15:04")),
		evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := text(`p.notice`); !strings.Contains(n, "Scheduled") {
		t.Fatalf("after scheduling: %q", n)
	}
	editFirst := location(t, ctx, base)
	editFirst = editFirst[:strings.Index(editFirst, "?")]
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.ID("slug-hint")))
	m := pathRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no permalink in %s", html)
	}
	firstPath := m[1]
	checkPage(t, ctx, pageCheck{name: "post editor", dark: true})
	if code, _, _ := visit(t, base+firstPath); code != http.StatusNotFound {
		t.Errorf("a scheduled post before its time: %d", code)
	}
	// Its author previews the whole page.
	must("preview", chromedp.Navigate(base+editFirst+"/preview"), chromedp.WaitVisible(chromedp.CSS(`article.post`)))
	if h := text(`article.post h1`); h != "Scheduled notes" {
		t.Errorf("preview title %q", h)
	}

	// Another post: autosaved as a draft while typing (the delay made
	// short), then published with Ctrl+S.
	must("second post", chromedp.Navigate(base+"/admin/posts/new"), chromedp.WaitVisible(chromedp.ID("body")),
		evalVoid(`document.getElementById('editor').setAttribute('data-autosave-delay', '200')`),
		fill(map[string]string{"title": "Published now", "body": "The excerpt of the second.\n\n<!--more-->\n\nAnd its rest."}),
		evalVoid(`document.getElementById('body').dispatchEvent(new Event('input', {bubbles: true}))`))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('save-state').textContent.startsWith('Draft saved at')`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("no autosave: %v (%q)", err, text(`#save-state`))
	}
	if loc := location(t, ctx, base); !strings.HasPrefix(loc, "/admin/posts/") || loc == "/admin/posts/new" {
		t.Errorf("after the autosave the address is %s, want the draft's editor", loc)
	}
	must("publishing with Ctrl+S", chromedp.SetValue(chromedp.ID("status"), "published"), chromedp.Focus(chromedp.ID("body")),
		evalVoid(dropNotices), chromedp.KeyEvent("s", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := text(`p.notice`); n != "Published." {
		t.Errorf("after Ctrl+S: %q", n)
	}
	editSecond := location(t, ctx, base)
	editSecond = editSecond[:strings.Index(editSecond, "?")]
	_, _, front := visit(t, base+"/")
	if !strings.Contains(front, "Published now") || !strings.Contains(front, "The excerpt of the second.") || strings.Contains(front, "And its rest.") ||
		!strings.Contains(front, "Read More") || strings.Contains(front, "Scheduled notes") {
		t.Errorf("front page before the scheduled time:\n%s", front)
	}

	// The dashboard lists the scheduled post and the recent changes.
	must("dashboard", chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(chromedp.ID("dash-changes")))
	if s := text(`section[aria-labelledby="dash-scheduled"]`); !strings.Contains(s, "Scheduled notes") {
		t.Errorf("dashboard's scheduled list: %q", s)
	}
	checkPage(t, ctx, pageCheck{name: "dashboard", dark: true})
	testkit.Screenshot(t, ctx, "admin-dashboard-1280", 1280)

	// Past the scheduled time: on the front page and in the feed.
	clock.Advance(2 * time.Minute)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
		`fetch(%q).then(r => r.text()).then(t => t.includes('Scheduled notes'))`, base+"/"), chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the scheduled post did not appear on the front page: %v", err)
	}
	if _, _, feed := visit(t, base+"/feed.xml"); !strings.Contains(feed, "Scheduled notes") {
		t.Errorf("the feed lacks the scheduled post:\n%.800s", feed)
	}
	if code, _, _ := visit(t, base+firstPath); code != 200 {
		t.Errorf("the scheduled post after its time: %d", code)
	}

	// A new slug: the old URL answers 301.
	must("new slug", chromedp.Navigate(base+editFirst), chromedp.WaitVisible(chromedp.ID("slug")),
		chromedp.SetValue(chromedp.ID("slug"), "renamed-notes"), evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	newPath := strings.Replace(firstPath, "scheduled-notes", "renamed-notes", 1)
	if code, loc, _ := visit(t, base+firstPath); code != http.StatusMovedPermanently || loc != newPath {
		t.Errorf("old URL: %d %s, want 301 to %s", code, loc, newPath)
	}

	// The post list, with its filters.
	must("post list", chromedp.Navigate(base+"/admin/posts"), chromedp.WaitVisible(chromedp.ID("filter-title")))
	checkPage(t, ctx, pageCheck{name: "post list", dark: true})
	testkit.Screenshot(t, ctx, "admin-posts-1280", 1280)
	must("page list", chromedp.Navigate(base+"/admin/pages"), chromedp.WaitVisible(chromedp.ID("filter-title")))
	checkPage(t, ctx, pageCheck{name: "page list", dark: false})

	// Restore an earlier revision: the first save's slug and text.
	must("revisions", chromedp.Navigate(base+editFirst+"/revisions"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	checkPage(t, ctx, pageCheck{name: "revision list", dark: false})
	must("revision", chromedp.Click(chromedp.CSS(`main tbody tr:last-child a`)), chromedp.WaitVisible(chromedp.CSS(`.diff`)))
	checkPage(t, ctx, pageCheck{name: "revision page", dark: true})
	testkit.Screenshot(t, ctx, "admin-revision-1280", 1280)
	must("restore", evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`form[action$="/restore"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := text(`p.notice`); !strings.Contains(n, "revision is restored") {
		t.Errorf("after restoring: %q", n)
	}
	if slug, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("slug"))); slug != "scheduled-notes" {
		t.Errorf("restored slug %q", slug)
	}
	if code, _, _ := visit(t, base+firstPath); code != 200 {
		t.Errorf("the restored slug's URL: %d", code)
	}

	// A conflict: a save from an older version keeps the text and says so.
	// Another tab saves the post after this one opened it.
	must("conflict", chromedp.Navigate(base+editSecond), chromedp.WaitVisible(chromedp.ID("body")),
		evalVoid(`const f = document.getElementById('editor'); const d = new URLSearchParams(new FormData(f)); d.set('op', 'save');
			d.set('body', 'The other tab\'s text.'); return fetch(f.action, {method: 'POST', body: d, credentials: 'same-origin'}).then(r => r.ok)`),
		evalVoid(`document.getElementById('body').value = 'My stale text.'`),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.ID("yours-body")))
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("yours-body"))); v != "My stale text." {
		t.Errorf("the conflict page lost the text: %q", v)
	}
	checkPage(t, ctx, pageCheck{name: "conflict page", fromPost: true, dark: false})
	testkit.Screenshot(t, ctx, "admin-conflict-1280", 1280)

	// Trash, then delete for good after the confirmation page.
	must("trash", chromedp.Navigate(base+editSecond), chromedp.WaitVisible(chromedp.ID("body")),
		evalVoid(dropNotices), evalVoid(`document.querySelector('form[action$="/trash"]').submit()`), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	checkPage(t, ctx, pageCheck{name: "trash list", fromPost: false, dark: false})
	must("confirmation", chromedp.Navigate(base+editSecond+"/delete"), chromedp.WaitVisible(chromedp.CSS(`button.danger`)))
	checkPage(t, ctx, pageCheck{name: "delete confirmation", dark: true})
	must("delete", evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button.danger`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := text(`p.notice`); !strings.Contains(n, "Deleted for good") {
		t.Errorf("after deleting: %q", n)
	}
	var errs []string
	for _, e := range consoleErrors() {
		if !strings.Contains(e, "409 (Conflict)") { // the conflict page's own status
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// mustDo returns a func that runs steps in the tab ctx, failing the test
// with what was being done.
func mustDo(t *testing.T, ctx context.Context) func(what string, steps ...chromedp.Action[chromedp.Void]) {
	return func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// logIn logs in through the login form, up to the admin's menu.
func logIn(base, login, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+"/admin/login"), chromedp.WaitVisible(chromedp.ID("login")),
		fill(map[string]string{"login": login, "password": password}),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/posts"]`)))
}

// dropNotices removes the notices of the page shown, so that waiting for a
// notice after a form is sent waits for the answer's page, not the old one.
const dropNotices = `document.querySelectorAll('p.notice').forEach(e => e.remove())`

// evalVoid runs the body of a function in the page, awaiting what it
// returns.
func evalVoid(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("(async () => { "+js+"; return true; })()", chromedp.EvalAwaitPromise)(ctx, tg)
		return err
	})
}

// TestEditorWithoutJavaScript writes a post with scripts off: the Preview
// button renders the text on the server, Save saves it.
func TestEditorWithoutJavaScript(t *testing.T) {
	const login, password = "nojs", "a passphrase typed by hand"
	base := startWithClock(t, blog.NewManualClock(time.Now().UTC()), login, password)
	ctx := testkit.Browser(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	noScript := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx, noScript, chromedp.Navigate(base+"/admin/login"), chromedp.WaitVisible(chromedp.ID("login")),
		fill(map[string]string{"login": login, "password": password}), chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/posts"]`)),
		chromedp.Navigate(base+"/admin/posts/new"), chromedp.WaitVisible(chromedp.ID("body")),
		fill(map[string]string{"title": "By hand", "body": "```go\nvar x = 1\n```", "status": "published"}),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)), chromedp.WaitVisible(chromedp.CSS(`#preview pre.chroma .kd`)),
	); err != nil {
		t.Fatalf("preview without JavaScript: %v", err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("title"))); v != "By hand" {
		t.Errorf("the Preview button lost the title: %q", v)
	}
	if err := chromedp.Do(ctx, evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`))); err != nil {
		t.Fatal(err)
	}
	if _, _, front := visit(t, base+"/"); !strings.Contains(front, "By hand") {
		t.Error("the post saved without JavaScript is not on the front page")
	}

	// An image without JavaScript: the editor's link leads to the media
	// library's form, which gives the Markdown to paste.
	file := filepath.Join(t.TempDir(), "by-hand.png")
	if err := os.WriteFile(file, gradientPNG(t, 600, 300), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/posts/new"), chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.Click(chromedp.CSS(`#media-hint a`)), chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}), chromedp.Click(chromedp.CSS(`form[action="/admin/media"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`li.media-item code`)),
	); err != nil {
		t.Fatalf("uploading without JavaScript: %v", err)
	}
	md, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`li.media-item code`)))
	if err != nil || !strings.HasPrefix(md, "![by hand](/media/") {
		t.Fatalf("the library's Markdown %q (%v)", md, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/posts/new"), chromedp.WaitVisible(chromedp.ID("body")),
		fill(map[string]string{"title": "With a picture", "body": md, "status": "published"}),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`#preview img[srcset]`)),
	); err != nil {
		t.Fatalf("publishing the pasted Markdown: %v", err)
	}
}
