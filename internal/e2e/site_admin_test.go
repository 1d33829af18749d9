package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"octavo/internal/testkit"
)

// TestSiteAdminPages is an owner at work on the demo blog in headless
// Chromium: the settings page (and a refused save), the tags page, a
// merge's confirmation, the redirects page, a redirect added by hand and
// the confirmation before removing an automatic one. The W3C checker and
// axe-core look at every page.
func TestSiteAdminPages(t *testing.T) {
	testkit.PrestartHTMLValidator()
	base, link := startFresh(t)
	ctx := testkit.Browser(t)
	consoleErrors := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	const password = "the owner's long passphrase"
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("username")),
		fill(map[string]string{"username": "olive", "password": password, "confirm": password}),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/settings"]`)),
	); err != nil {
		t.Fatalf("creating the owner: %v", err)
	}

	// Settings, then a save with two bad fields.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/admin/settings"]`)), chromedp.WaitVisible(chromedp.ID("permalink"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "settings page", dark: true})
	testkit.Screenshot(t, ctx, "admin-settings-1280", 1280)
	if err := chromedp.Do(ctx, fill(map[string]string{"feed_length": "0", "language": "english"}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/settings"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`ul.problems`))); err != nil {
		t.Fatal(err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`ul.problems`))); !strings.Contains(txt, "Feed length") || !strings.Contains(txt, "Language") {
		t.Errorf("problems listed: %q", txt)
	}
	checkPage(t, ctx, pageCheck{name: "refused settings page", fromPost: true, dark: true})
	testkit.Screenshot(t, ctx, "admin-settings-refused-375", 375)

	// Tags: rename the first tag to the second's name, which asks first.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/admin/tags"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/tags/rename"]`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "tags page", dark: true})
	testkit.Screenshot(t, ctx, "admin-tags-1280", 1280)
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input[id^="name-"]'), i => i.id)`))
	if err != nil || len(ids) < 2 {
		t.Fatalf("the demo blog has %d tags: %v", len(ids), err)
	}
	into, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID(ids[1])))
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID(ids[0]), into),
		chromedp.Click(chromedp.CSS(`#`+ids[0]+` + button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="confirm"][value="merge"] ~ button`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "merge confirmation page", fromPost: true, dark: false})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`))); err != nil {
		t.Fatal(err)
	}
	if got := location(t, ctx, base); got != "/admin/tags?done=merged" {
		t.Errorf("after the merge: %s", got)
	}

	// Redirects: the merge made one; add one by hand; removing the
	// automatic one asks first.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/admin/redirects"]`)), chromedp.WaitVisible(chromedp.ID("from")),
		fill(map[string]string{"from": "/an-old-address/", "to": "/about/"}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/redirects"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`))); err != nil {
		t.Fatal(err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("main"))); !strings.Contains(txt, "1 added by hand, 1 made automatically") {
		t.Errorf("the redirects page:\n%s", txt)
	}
	checkPage(t, ctx, pageCheck{name: "redirects page", dark: true})
	testkit.Screenshot(t, ctx, "admin-redirects-1280", 1280)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/redirects/delete"]:not([data-confirm]) button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="confirm"][value="remove"] ~ button`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "redirect removal page", fromPost: true, dark: false})
	var errs []string
	for _, e := range consoleErrors() {
		if !strings.Contains(e, "422 (Unprocessable Entity)") { // the refused save is expected
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
