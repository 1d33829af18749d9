package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store/sqlite"
	"octavo/internal/testkit"
)

// TestMediaLibraryUpload is an owner uploading an image through the file
// input of the media library page, in headless Chromium, and finding it
// in the library with its size; axe-core and the W3C checker look at the
// page before and after.
func TestMediaLibraryUpload(t *testing.T) {
	testkit.PrestartHTMLValidator()
	data := t.TempDir()
	base, link := startFreshIn(t, data)
	ctx := testkit.Browser(t)
	consoleErrors := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	const password = "the owner's long passphrase"

	file := filepath.Join(t.TempDir(), "harbour-at-dusk.png")
	if err := os.WriteFile(file, gradientPNG(t, 1200, 800), 0o644); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("username")),
		fill(map[string]string{"username": "olive", "display_name": "Olive Owner", "password": password, "confirm": password}),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/media"]`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/admin/media"]`)),
		chromedp.WaitVisible(chromedp.ID("file")),
	); err != nil {
		t.Fatalf("reaching the media library: %v", err)
	}
	checkPage(t, ctx, pageCheck{name: "empty media library", dark: true})

	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/media"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`li.media-item img.thumb`)),
	); err != nil {
		t.Fatalf("uploading: %v", err)
	}
	if got := location(t, ctx, base); got != "/admin/media?done=uploaded" {
		t.Errorf("after the upload: %s", got)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`li.media-item`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "harbour-at-dusk.png") || !strings.Contains(text, "1200×800 pixels") || !strings.Contains(text, "![harbour at dusk](/media/") {
		t.Errorf("the library shows:\n%s", text)
	}
	// The thumbnail loaded (the file or, once made, its smallest copy).
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(done => {
		const img = document.querySelector('li.media-item img.thumb');
		if (img.complete) { done(img.naturalWidth > 0); return; }
		img.addEventListener('load', () => done(true));
		img.addEventListener('error', () => done(false));
	})`, chromedp.EvalAwaitPromise))
	if err != nil || !loaded {
		t.Errorf("thumbnail not shown: %v", err)
	}
	checkPage(t, ctx, pageCheck{name: "media library", dark: true})
	testkit.Screenshot(t, ctx, "admin-media-1280", 1280)

	// The editor's hook (media.js): a button with data-media-upload="body"
	// next to a textarea id="body" uploads and inserts the Markdown at the
	// cursor, the alt text asked for first. The editor is not there yet,
	// so the test puts the two elements on this page.
	sq := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range sq.Pix {
		sq.Pix[i] = 200
	}
	var sqb bytes.Buffer
	if err := png.Encode(&sqb, sq); err != nil {
		t.Fatal(err)
	}
	square := sqb.Bytes()
	hook := `(async () => {
		const ta = document.createElement('textarea');
		ta.id = 'body';
		ta.value = 'Before.\n\nAfter.';
		const button = document.createElement('button');
		button.type = 'button';
		button.hidden = true;
		button.setAttribute('data-media-upload', 'body');
		button.textContent = 'Add an image';
		document.querySelector('main').append(ta, button);
		OctavoMedia.attach(document);
		if (button.hidden) { return 'the button stayed hidden'; }
		ta.setSelectionRange(8, 8);
		window.prompt = () => 'Small [red] square';
		const bytes = Uint8Array.from(atob('` + base64.StdEncoding.EncodeToString(square) + `'), c => c.charCodeAt(0));
		await OctavoMedia.upload(new File([bytes], 'square.png', {type: 'image/png'}), ta);
		return ta.value;
	})()`
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](hook, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := regexp.MatchString(`^Before\.\n\n!\[Small red square\]\(/media/[0-9a-f]{32}\.png\)\n\nAfter\.$`, value); !ok {
		t.Errorf("the textarea after the upload:\n%q", value)
	}
	// A post that shows the uploaded image, published (written straight
	// into the database: the editor is not there yet): the browser picks
	// a copy from its srcset and shows it at its intrinsic aspect ratio.
	md := regexp.MustCompile(`!\[harbour at dusk\]\((/media/[0-9a-f]{32}\.png)\)`).FindStringSubmatch(text)
	if md == nil {
		t.Fatalf("no Markdown in the library: %s", text)
	}
	st, err := sqlite.Open(ctx, filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	post := &blog.Post{Title: "The harbour", Status: blog.StatusPublished, Body: "At dusk:\n\n![The harbour at dusk](" + md[1] + ")"}
	err = content.New(st, markdown.New(), blog.SystemClock{}, nil).Save(ctx, post)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+post.Path), chromedp.WaitVisible(chromedp.CSS(`.e-content img`))); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(done => {
		const img = document.querySelector('.e-content img');
		const report = () => done([img.naturalWidth > 0, img.width + 'x' + img.height, img.getAttribute('srcset')].join(' '));
		if (img.complete) { report(); } else { img.addEventListener('load', report); img.addEventListener('error', report); }
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	// Shown in the 42rem (672 px) text column at 3:2, whichever candidate
	// the browser took (Chrome prefers one it has in its cache).
	h := strings.TrimSuffix(md[1], ".png")
	want := "true 672x448 " + h + "-480.png 480w, " + h + "-960.png 960w, " + md[1] + " 1200w"
	if shown != want {
		t.Errorf("the post's image: %q, want %q", shown, want)
	}
	// Deleting the file the post shows: a page lists the post and asks
	// again; confirmed, the file is gone.
	hash := strings.TrimSuffix(strings.TrimPrefix(md[1], "/media/"), ".png")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/media"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/media/`+hash+`/delete"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="confirm"][value="yes"] ~ p button`)),
	); err != nil {
		t.Fatalf("deleting a file in use: %v", err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(txt, "The harbour") || !strings.Contains(txt, "deleting it breaks their images") {
		t.Errorf("the confirmation page says:\n%s", txt)
	}
	checkPage(t, ctx, pageCheck{name: "media delete confirmation", fromPost: true})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="confirm"][value="yes"] ~ p button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`))); err != nil {
		t.Fatal(err)
	}
	if got := location(t, ctx, base); got != "/admin/media?done=media-deleted" {
		t.Errorf("after deleting: %s", got)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('li.media-item').length`)); n != 1 {
		t.Errorf("%d files left, want 1 (the square)", n)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
