package e2e

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"octavo/internal/auth"
	"octavo/internal/cli"
	"octavo/internal/testkit"
)

// lockedBuffer collects the server's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var setupLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/admin/setup/[A-Za-z0-9_-]{43}`)

// startFresh runs `octavo serve` on an empty data folder and returns its
// base URL and the setup link it printed.
func startFresh(t *testing.T) (base, setupLink string) {
	t.Helper()
	return startFreshIn(t, t.TempDir())
}

// startFreshIn is startFresh on the data folder dir.
func startFreshIn(t *testing.T, dir string) (base, setupLink string) {
	t.Helper()
	out := &lockedBuffer{}
	base = serve(t, []string{"--data", dir}, cli.Env{Stdout: out, Stderr: &lockedBuffer{}})
	link := setupLinkRE.FindString(out.String())
	if link == "" || !strings.HasPrefix(link, base+"/") {
		t.Fatalf("no setup link for %s in the output of a fresh server:\n%s", base, out)
	}
	return base, link
}

// servedHTML returns the current page's HTML for the checker. A page
// reached by a link is fetched again from inside the page (same cookies),
// to check the bytes the server sent rather than the DOM the browser
// built; the answer to a form (POST) cannot be fetched again, so its DOM
// is serialized instead.
func servedHTML(t *testing.T, ctx context.Context, fromPost bool) []byte {
	t.Helper()
	js := `fetch(location.href, {credentials: 'same-origin'}).then(r => r.text())`
	if fromPost {
		js = `'<!DOCTYPE html>\n' + document.documentElement.outerHTML`
	}
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(html)
}

// pageCheck says how to check a page: its name, whether it answers a form
// (see servedHTML) and whether axe-core also runs in the dark scheme.
type pageCheck struct {
	name     string
	fromPost bool
	dark     bool
}

// checkPage runs the W3C checker and axe-core on the current page, and
// axe-core again in the dark colour scheme when asked.
func checkPage(t *testing.T, ctx context.Context, c pageCheck) {
	t.Helper()
	testkit.ValidateHTML(t, c.name, servedHTML(t, ctx, c.fromPost))
	testkit.Axe(t, ctx, "")
	if c.dark {
		if err := chromedp.Do(ctx, colourScheme("dark")); err != nil {
			t.Fatal(err)
		}
		testkit.Axe(t, ctx, "")
		if err := chromedp.Do(ctx, colourScheme("light")); err != nil {
			t.Fatal(err)
		}
	}
}

// fill types values into inputs by id.
func fill(fields map[string]string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.ID(id), v))
	}
	return chromedp.Steps(steps...)
}

// location returns the path of the tab's page.
func location(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(loc, base)
}

// TestAccountsFlow is an owner's first minutes, in headless Chromium:
// open the setup link a fresh server printed, create the owner, log out,
// log in, turn on two-factor (the code computed from the secret on the
// page), log out, log in with a code. axe-core and the W3C checker look at
// every page on the way.
func TestAccountsFlow(t *testing.T) {
	testkit.PrestartHTMLValidator() // the JVM starts while the browser does
	base, link := startFresh(t)
	ctx := testkit.Browser(t)
	consoleErrors := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	const password = "the owner's long passphrase"

	// The setup page.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "setup page", dark: true})
	testkit.Screenshot(t, ctx, "admin-setup-1280", 1280)
	if err := chromedp.Do(ctx,
		fill(map[string]string{"username": "olive", "email": "olive@example.org", "display_name": "Olive Owner", "password": password, "confirm": password}),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[aria-current="page"][href="/admin/"]`)),
	); err != nil {
		t.Fatalf("creating the owner: %v", err)
	}
	if got := location(t, ctx, base); got != "/admin/?done=welcome" {
		t.Errorf("after setup: %s", got)
	}
	checkPage(t, ctx, pageCheck{name: "dashboard", dark: false})

	// The setup link works once.
	if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.error`))); !strings.Contains(txt, "not valid") {
		t.Errorf("a used setup link shows %q", txt)
	}

	logout := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/"), chromedp.Click(chromedp.CSS(`form.logout button`)),
			chromedp.WaitVisible(chromedp.ID("login"))); err != nil {
			t.Fatalf("logging out: %v", err)
		}
	}
	login := func(next string) {
		t.Helper()
		if err := chromedp.Do(ctx, fill(map[string]string{"login": "olive@example.org", "password": password}),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(next))); err != nil {
			t.Fatalf("logging in: %v", err)
		}
	}

	logout()
	if got := location(t, ctx, base); got != "/admin/login?done=out" {
		t.Errorf("after logout: %s", got)
	}
	checkPage(t, ctx, pageCheck{name: "login page", dark: true})
	testkit.Screenshot(t, ctx, "admin-login-375", 375)
	login(`nav a[href="/admin/account"]`)

	// The account page, then two-factor.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/admin/account"), chromedp.WaitVisible(chromedp.ID("sessions"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "account page", dark: true})
	testkit.Screenshot(t, ctx, "admin-account-1280", 1280)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Click(chromedp.CSS(`a[href="/admin/account/two-factor"]`)),
		chromedp.WaitVisible(chromedp.ID("totp-secret"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "two-factor page", dark: false})
	testkit.Screenshot(t, ctx, "admin-two-factor-1280", 1280)
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	if err != nil {
		t.Fatal(err)
	}
	code, err := auth.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	if err := chromedp.Do(ctx, fill(map[string]string{"code": code, "password": password}),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("recovery-codes"))); err != nil {
		t.Fatalf("turning on two-factor: %v", err)
	}
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recovery-codes li').length`))
	if err != nil || codes != auth.RecoveryCodes {
		t.Errorf("recovery codes shown: %d %v", codes, err)
	}
	// The copy button appears with JavaScript on.
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('button[data-copy]').hidden`)); hidden {
		t.Error("the copy button stays hidden with JavaScript on")
	}
	checkPage(t, ctx, pageCheck{name: "recovery codes page", fromPost: true, dark: false})

	// Log out, log in: now a code is asked for.
	logout()
	login(`#code`)
	if got := location(t, ctx, base); !strings.HasPrefix(got, "/admin/login/code") {
		t.Errorf("after the password with two-factor on: %s", got)
	}
	checkPage(t, ctx, pageCheck{name: "code page", dark: false})
	// The code that turned two-factor on was spent; the next step's code
	// is within the allowed drift.
	next, _ := auth.TOTPCode(secret, time.Now().Add(30*time.Second))
	if err := chromedp.Do(ctx, fill(map[string]string{"code": next}), chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/account"]`))); err != nil {
		t.Fatalf("logging in with a code: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/account"), chromedp.WaitVisible(chromedp.ID("sessions"))); err != nil {
		t.Fatal(err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("main"))); !strings.Contains(txt, "Recovery codes left: 10") {
		t.Errorf("the account page after a code login:\n%s", txt)
	}
	// The users page (the owner's).
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(chromedp.ID("invite-role"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "users page", dark: false})
	// An invitation: the page that shows the link, then the link's form.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("invite-role"), "editor"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/users/invite"] button`)), chromedp.WaitVisible(chromedp.ID("one-time-link"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "invitation link page", fromPost: true, dark: false})
	invite, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("one-time-link")))
	if err != nil || !strings.HasPrefix(invite, base+"/admin/invite/") {
		t.Fatalf("invitation link %q %v", invite, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(invite), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "invitation page", dark: false})
	// A password-reset link's form, and the page of a link that does not work.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/users"),
		chromedp.Click(chromedp.CSS(`form[action$="/reset-link"] button`)), chromedp.WaitVisible(chromedp.ID("one-time-link"))); err != nil {
		t.Fatal(err)
	}
	reset, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("one-time-link")))
	if err := chromedp.Do(ctx, chromedp.Navigate(reset), chromedp.WaitVisible(chromedp.ID("confirm"))); err != nil {
		t.Fatalf("reset link %q: %v", reset, err)
	}
	checkPage(t, ctx, pageCheck{name: "reset page", dark: false})
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`p.error`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, pageCheck{name: "used link page", dark: false})
	var errs []string
	for _, e := range consoleErrors() {
		if !strings.Contains(e, link) { // the used setup link's 404 is expected
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestAccountsWithoutJavaScript creates the owner, logs out and in, and
// changes the password with JavaScript off: every form is a plain form.
func TestAccountsWithoutJavaScript(t *testing.T) {
	base, link := startFresh(t)
	ctx := testkit.Browser(t)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	noScript := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	const password = "a passphrase typed by hand"
	submit := func(next string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(next)))
	}
	if err := chromedp.Do(ctx, noScript, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("username")),
		fill(map[string]string{"username": "nojs", "password": password, "confirm": password}),
		submit(`nav a[href="/admin/account"]`),
		chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.ID("login")),
		fill(map[string]string{"login": "nojs", "password": password}), submit(`nav a[href="/admin/account"]`),
		chromedp.Navigate(base+"/admin/account"), chromedp.WaitVisible(chromedp.ID("current")),
		fill(map[string]string{"current": password, "password": password + " changed", "confirm": password + " changed"}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/account/password"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	); err != nil {
		t.Fatal(err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.notice`))); !strings.Contains(txt, "Your password is changed") {
		t.Errorf("notice %q", txt)
	}
	// Without JavaScript the copy buttons stay hidden: nothing dead shows.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/account/two-factor"), chromedp.WaitVisible(chromedp.ID("totp-secret"))); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('button[data-copy]:not([hidden])').length`)); n != 0 {
		t.Errorf("%d copy buttons show without JavaScript", n)
	}
}
