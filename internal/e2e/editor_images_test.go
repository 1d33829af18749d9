package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"octavo/internal/blog"
	"octavo/internal/testkit"
)

// gradientPNG is a w×h PNG of a colour gradient.
func gradientPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEditorImages is issue 7's browser test in the editor: upload an
// image through the file input the Insert image button opens (the alt
// text asked for), see it in the live preview with its srcset, paste and
// drop more, see a refusal in the status line as the server wrote it,
// choose a featured image, publish, and find the <img srcset width
// height> and the featured image on the published post. axe-core (light
// and dark) and the W3C checker look at the editor with its new controls.
func TestEditorImages(t *testing.T) {
	testkit.PrestartHTMLValidator()
	const login, password = "olive", "the owner's long passphrase"
	base := startWithClock(t, blog.NewManualClock(time.Now().UTC()), login, password)
	ctx := testkit.Browser(t)
	consoleErrors := testkit.ConsoleErrors(ctx)
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	must := mustDo(t, ctx)
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v (status line %q)", what, err, eval(`document.getElementById('media-status').textContent`))
		}
	}
	file := filepath.Join(t.TempDir(), "harbour-at-dusk.png")
	if err := os.WriteFile(file, gradientPNG(t, 1200, 800), 0o644); err != nil {
		t.Fatal(err)
	}

	must("logging in", chromedp.EmulateViewport(1280, 900), logIn(base, login, password))
	must("opening the editor", chromedp.Navigate(base+"/admin/posts/new"),
		chromedp.WaitVisible(chromedp.CSS(`button[data-media-upload="body"]`)),
		fill(map[string]string{"title": "The harbour", "body": "At dusk:\n\n"}),
		evalVoid(`const b = document.getElementById('body'); b.setSelectionRange(b.value.length, b.value.length);
			window.prompt = (question, start) => start === 'harbour at dusk' ? 'The harbour at dusk' : 'A grey square'`))

	// The file input the button opens.
	must("choosing a file", chromedp.SetUploadFiles(chromedp.CSS(`button[data-media-upload="body"] + input[type=file]`), []string{file}))
	waitFor("the Markdown", `document.getElementById('body').value.includes('](/media/')`)
	body := eval(`document.getElementById('body').value`)
	md := regexp.MustCompile(`^At dusk:\n\n!\[The harbour at dusk\]\((/media/([0-9a-f]{32})\.png)\)$`).FindStringSubmatch(body)
	if md == nil {
		t.Fatalf("the text after the upload: %q", body)
	}
	src, hash := md[1], md[2]
	if s := eval(`document.getElementById('media-status').textContent`); s != "Inserted "+hash+".png." {
		t.Errorf("status line %q", s)
	}
	// The live preview shows it, with its copies and size, loaded under
	// the admin's CSP.
	waitFor("the preview's image", `!!document.querySelector('#preview img[srcset]')`)
	shown := eval(`new Promise(done => {
		const img = document.querySelector('#preview img[srcset]');
		const report = () => done([img.naturalWidth > 0, img.getAttribute('alt'), img.getAttribute('width'), img.getAttribute('height'), img.getAttribute('srcset')].join('|'));
		if (img.complete) { report(); } else { img.addEventListener('load', report); img.addEventListener('error', report); }
	})`)
	srcset := "/media/" + hash + "-480.png 480w, /media/" + hash + "-960.png 960w, " + src + " 1200w"
	if want := "true|The harbour at dusk|1200|800|" + srcset; shown != want {
		t.Errorf("preview image %q, want %q", shown, want)
	}

	// Paste and drop: a File in a clipboard or drag event.
	square := base64.StdEncoding.EncodeToString(gradientPNG(t, 40, 30))
	event := func(kind string) string {
		return `const bytes = Uint8Array.from(atob('` + square + `'), c => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([bytes], 'square.png', {type: 'image/png'}));
			const b = document.getElementById('body');
			b.setSelectionRange(b.value.length, b.value.length);
			b.dispatchEvent(` + kind + `)`
	}
	must("pasting an image", evalVoid(event(`new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})`)))
	waitFor("the pasted image", `(document.getElementById('body').value.match(/!\[A grey square\]/g) || []).length === 1`)
	must("dropping an image", evalVoid(event(`new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true})`)))
	waitFor("the dropped image", `(document.getElementById('body').value.match(/!\[A grey square\]/g) || []).length === 2`)
	// A refusal is shown as the server wrote it.
	must("pasting a fake image", evalVoid(`const dt = new DataTransfer();
		dt.items.add(new File(['#!/bin/sh\necho hi\n'], 'fake.png', {type: 'image/png'}));
		document.getElementById('body').dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}))`))
	const refusal = "fake.png: not a JPEG, PNG, GIF or WebP image (its content is text/plain, whatever its name says)."
	waitFor("the refusal", `document.getElementById('media-status').textContent === '`+refusal+`'`)
	if c := eval(`document.getElementById('media-status').className`); c != "media-status error" {
		t.Errorf("status line class %q", c)
	}
	checkPage(t, ctx, pageCheck{name: "new post editor with images", dark: true})

	// Saved as a draft, the editor offers the uploads as featured image;
	// choose the harbour and publish.
	must("saving", evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	must("featured image", chromedp.Click(chromedp.ID("featured-"+hash)), chromedp.SetValue(chromedp.ID("status"), "published"),
		evalVoid(dropNotices), chromedp.Click(chromedp.CSS(`button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := eval(`document.querySelector('p.notice').textContent`); n != "Published." {
		t.Fatalf("after publishing: %q", n)
	}
	if now := eval(`document.querySelector('label[for="featured-` + hash + `"]').textContent`); !strings.Contains(now, "harbour-at-dusk.png, 1200×800 now") {
		t.Errorf("the editor's featured image: %q", now)
	}
	checkPage(t, ctx, pageCheck{name: "post editor with a featured image", dark: true})
	testkit.Screenshot(t, ctx, "admin-editor-images-1280", 1280)
	m := pathRE.FindStringSubmatch(eval(`document.getElementById('slug-hint').outerHTML`))
	if m == nil {
		t.Fatal("no permalink in the editor")
	}

	// The published post: the image with srcset, width and height, shown
	// at its aspect ratio, and the featured image in the header.
	must("the post", chromedp.Navigate(base+m[1]), chromedp.WaitVisible(chromedp.CSS(`.e-content img`)))
	got := eval(`new Promise(done => {
		const img = document.querySelector('.e-content img');
		const report = () => done([img.naturalWidth > 0, img.width + 'x' + img.height, img.getAttribute('width'), img.getAttribute('height'),
			img.getAttribute('srcset'), !!document.querySelector('img.featured[src="` + src + `"][srcset][width="1200"][height="800"]')].join('|'));
		if (img.complete) { report(); } else { img.addEventListener('load', report); img.addEventListener('error', report); }
	})`)
	if want := "true|672x448|1200|800|" + srcset + "|true"; got != want {
		t.Errorf("the published image %q, want %q", got, want)
	}
	// The squares are too small for copies: no srcset, but their size.
	if n := eval(`String(document.querySelectorAll('.e-content img[width][height][loading="lazy"][alt="A grey square"]').length)`); n != "2" {
		t.Errorf("%s pasted or dropped squares with width and height on the post, want 2", n)
	}
	var errs []string
	for _, e := range consoleErrors() {
		if !strings.Contains(e, "415 (Unsupported Media Type)") { // the refused fake image
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
