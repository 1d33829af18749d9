package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/store/sqlite"
)

// tiffOrientationBlock is a minimal TIFF block whose IFD0 holds one
// entry, the orientation o, in the given byte order.
// byteOrder is binary.BigEndian or binary.LittleEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func tiffOrientationBlock(order byteOrder, o uint16) []byte {
	var t []byte
	if order.String() == binary.LittleEndian.String() {
		t = append(t, "II"...)
	} else {
		t = append(t, "MM"...)
	}
	t = order.AppendUint16(t, 42)
	t = order.AppendUint32(t, 8)
	t = order.AppendUint16(t, 1)
	t = order.AppendUint16(t, 0x0112)
	t = order.AppendUint16(t, 3)
	t = order.AppendUint32(t, 1)
	t = order.AppendUint16(t, o)
	t = order.AppendUint16(t, 0)
	return order.AppendUint32(t, 0)
}

// corners is an image 3×2 whose top-left pixel is red, top-right green,
// and the rest grey.
func corners() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	img.Set(2, 0, color.RGBA{0, 255, 0, 255})
	return img
}

// TestOrient checks each EXIF orientation against its definition: where
// the first row's first and last pixels end up.
func TestOrient(t *testing.T) {
	red, green := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}
	for _, tc := range []struct {
		o          int
		w, h       int
		redAt      image.Point
		greenAt    image.Point
		definition string
	}{
		{1, 3, 2, image.Pt(0, 0), image.Pt(2, 0), "row 0 top, column 0 left"},
		{2, 3, 2, image.Pt(2, 0), image.Pt(0, 0), "row 0 top, column 0 right"},
		{3, 3, 2, image.Pt(2, 1), image.Pt(0, 1), "row 0 bottom, column 0 right"},
		{4, 3, 2, image.Pt(0, 1), image.Pt(2, 1), "row 0 bottom, column 0 left"},
		{5, 2, 3, image.Pt(0, 0), image.Pt(0, 2), "row 0 left, column 0 top"},
		{6, 2, 3, image.Pt(1, 0), image.Pt(1, 2), "row 0 right, column 0 top"},
		{7, 2, 3, image.Pt(1, 2), image.Pt(1, 0), "row 0 right, column 0 bottom"},
		{8, 2, 3, image.Pt(0, 2), image.Pt(0, 0), "row 0 left, column 0 bottom"},
	} {
		got := orient(corners(), tc.o)
		b := got.Bounds()
		if b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("orientation %d: %v, want %d×%d", tc.o, b, tc.w, tc.h)
			continue
		}
		if c := color.RGBAModel.Convert(got.At(tc.redAt.X, tc.redAt.Y)); c != red {
			t.Errorf("orientation %d (%s): %v at %v, want red", tc.o, tc.definition, c, tc.redAt)
		}
		if c := color.RGBAModel.Convert(got.At(tc.greenAt.X, tc.greenAt.Y)); c != green {
			t.Errorf("orientation %d (%s): %v at %v, want green", tc.o, tc.definition, c, tc.greenAt)
		}
	}
}

// pngWithChunk inserts a chunk after a PNG's IHDR.
func pngWithChunk(t *testing.T, img image.Image, kind string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	src := b.Bytes()
	ch := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	ch = append(ch, kind...)
	ch = append(ch, data...)
	ch = binary.BigEndian.AppendUint32(ch, crc32.ChecksumIEEE(ch[4:]))
	out := append([]byte{}, src[:33]...) // signature and IHDR
	out = append(out, ch...)
	return append(out, src[33:]...)
}

// TestOrientationTag reads the orientation from each place it can be, in
// both byte orders, and falls back to 1 on anything broken.
func TestOrientationTag(t *testing.T) {
	var jb bytes.Buffer
	jpeg.Encode(&jb, corners(), nil)
	jpegWith := func(seg []byte) []byte {
		app1 := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(seg)+2))
		return append(append(append([]byte{}, jb.Bytes()[:2]...), append(app1, seg...)...), jb.Bytes()[2:]...)
	}
	exif := func(order byteOrder, o uint16) []byte {
		return append([]byte("Exif\x00\x00"), tiffOrientationBlock(order, o)...)
	}
	for _, tc := range []struct {
		name string
		typ  string
		data []byte
		want int
	}{
		{"JPEG big-endian", "image/jpeg", jpegWith(exif(binary.BigEndian, 6)), 6},
		{"JPEG little-endian", "image/jpeg", jpegWith(exif(binary.LittleEndian, 8)), 8},
		{"JPEG without EXIF", "image/jpeg", jb.Bytes(), 1},
		{"JPEG with XMP only", "image/jpeg", jpegWith([]byte("http://ns.adobe.com/xap/1.0/\x00<x/>")), 1},
		{"JPEG orientation 9", "image/jpeg", jpegWith(exif(binary.BigEndian, 9)), 1},
		{"JPEG cut EXIF", "image/jpeg", jpegWith(exif(binary.BigEndian, 6)[:20]), 1},
		{"PNG eXIf", "image/png", pngWithChunk(t, corners(), "eXIf", tiffOrientationBlock(binary.LittleEndian, 3)), 3},
		{"PNG without", "image/png", pngWithChunk(t, corners(), "tEXt", []byte("Comment\x00hello")), 1},
		{"not TIFF", "image/png", pngWithChunk(t, corners(), "eXIf", []byte("XX\x00\x2a\x00\x00\x00\x08")), 1},
	} {
		if got := orientation(tc.typ, tc.data); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// xImageTestdata is a file of golang.org/x/image's test data, read where
// the module is (the WebP files are made by libwebp, which Go cannot do).
func xImageTestdata(t *testing.T, name string) []byte {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/image").Output()
	if err != nil {
		t.Fatalf("finding golang.org/x/image: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// webpWithEXIF wraps a simple lossy WebP (one VP8 chunk) into the
// extended format with an EXIF chunk that holds orientation o.
func webpWithEXIF(t *testing.T, simple []byte, w, h int, o uint16) []byte {
	t.Helper()
	if string(simple[12:16]) != "VP8 " {
		t.Fatalf("not a simple lossy WebP: %q", simple[12:16])
	}
	le := binary.LittleEndian
	chunk := func(kind string, data []byte) []byte {
		c := append([]byte(kind), le.AppendUint32(nil, uint32(len(data)))...)
		c = append(c, data...)
		if len(data)%2 == 1 {
			c = append(c, 0)
		}
		return c
	}
	vp8x := []byte{1 << 3, 0, 0, 0, byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16), byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)}
	body := append([]byte("WEBP"), chunk("VP8X", vp8x)...)
	body = append(body, chunk("EXIF", tiffOrientationBlock(binary.BigEndian, o))...)
	body = append(body, simple[12:]...)
	return append(append([]byte("RIFF"), le.AppendUint32(nil, uint32(len(body)))...), body...)
}

// TestProcessTypes checks what each accepted kind of file is stored as.
func TestProcessTypes(t *testing.T) {
	rose := xImageTestdata(t, "yellow_rose.lossy.webp")
	cfg, _ := decodeConfig("image/webp", rose)
	anim := &gif.GIF{LoopCount: 0}
	pal := color.Palette{color.Black, color.White}
	for i := range 3 {
		f := image.NewPaletted(image.Rect(0, 0, 200, 200), pal)
		f.SetColorIndex(i, i, 1)
		anim.Image = append(anim.Image, f)
		anim.Delay = append(anim.Delay, 10)
	}
	var ab bytes.Buffer
	if err := gif.EncodeAll(&ab, anim); err != nil {
		t.Fatal(err)
	}
	var still bytes.Buffer
	gif.Encode(&still, corners(), nil)

	for _, tc := range []struct {
		name      string
		data      []byte
		maxPixels int64
		typ       string
		w, h      int
		animated  bool
		err       string
	}{
		{"lossy WebP → JPEG", rose, DefaultMaxPixels, "image/jpeg", cfg.Width, cfg.Height, false, ""},
		{"lossy WebP turned by its EXIF", webpWithEXIF(t, rose, cfg.Width, cfg.Height, 6), DefaultMaxPixels, "image/jpeg", cfg.Height, cfg.Width, false, ""},
		{"lossless WebP → PNG", xImageTestdata(t, "gopher-doc.8bpp.lossless.webp"), DefaultMaxPixels, "image/png", 0, 0, false, ""},
		{"lossy WebP with alpha → PNG", xImageTestdata(t, "yellow_rose.lossy-with-alpha.webp"), DefaultMaxPixels, "image/png", 0, 0, false, ""},
		{"animated GIF stays animated", ab.Bytes(), DefaultMaxPixels, "image/gif", 200, 200, true, ""},
		{"still GIF", still.Bytes(), DefaultMaxPixels, "image/gif", 3, 2, false, ""},
		{"animated GIF over the limit in all", ab.Bytes(), 100_000, "", 0, 0, false,
			"x: the GIF image has 3 frames of 120000 pixels in all, more than the limit of 0.1 megapixels."},
		{"GIF cut in a frame", ab.Bytes()[:60], DefaultMaxPixels, "", 0, 0, false, "x: the GIF image is damaged."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := process("x", tc.data, tc.maxPixels)
			if tc.err != "" {
				if blog.ErrorMessage(err) != tc.err {
					t.Errorf("error %q, want %q", blog.ErrorMessage(err), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.typ != tc.typ || p.animated != tc.animated || (tc.w != 0 && (p.width != tc.w || p.height != tc.h)) || sniff(p.data) != tc.typ {
				t.Errorf("stored %s %d×%d animated %v (bytes %s), want %s %d×%d %v", p.typ, p.width, p.height, p.animated, sniff(p.data), tc.typ, tc.w, tc.h, tc.animated)
			}
			if bytes.Contains(p.data, []byte("EXIF")) || bytes.Contains(p.data, []byte("Exif")) {
				t.Errorf("EXIF left in the stored file")
			}
			if tc.animated {
				g, err := gif.DecodeAll(bytes.NewReader(p.data))
				if err != nil || len(g.Image) != 3 || g.Delay[2] != 10 {
					t.Errorf("animation after re-encoding: %v", err)
				}
			}
		})
	}
}

// TestRunMakesMissingCopies checks the background work: a new upload's
// copies, and at start those of a file that has none yet.
func TestRunMakesMissingCopies(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storage := Local{Dir: filepath.Join(t.TempDir(), "media")}
	img := image.NewRGBA(image.Rect(0, 0, 1000, 800))
	var b bytes.Buffer
	png.Encode(&b, img)
	// An upload while nothing runs: no copies.
	s1 := New(Options{Store: st, Storage: storage, MaxBytes: 1 << 20})
	m, created, err := s1.Upload(ctx, "a.png", bytes.NewReader(b.Bytes()), 0)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	// A later process: Run finds it and makes its copies.
	s2 := New(Options{Store: st, Storage: storage, MaxBytes: 1 << 20})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s2.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()
	// A new upload while it runs.
	img2 := image.NewRGBA(image.Rect(0, 0, 600, 100))
	var b2 bytes.Buffer
	png.Encode(&b2, img2)
	m2, _, err := s2.Upload(ctx, "b.png", bytes.NewReader(b2.Bytes()), 0)
	if err != nil {
		t.Fatal(err)
	}
	s2.Wait()
	for _, tc := range []struct {
		m    *blog.Media
		want []blog.Variant
	}{
		{m, []blog.Variant{{Width: 480, Height: 384}, {Width: 960, Height: 768}}},
		{m2, []blog.Variant{{Width: 480, Height: 80}}},
	} {
		got, err := st.MediaByHash(ctx, tc.m.Hash)
		if err != nil || len(got.Variants) != len(tc.want) {
			t.Fatalf("%s: variants %+v (%v), want %+v", tc.m.OriginalName, got.Variants, err, tc.want)
		}
		for i, v := range got.Variants {
			if v.Width != tc.want[i].Width || v.Height != tc.want[i].Height {
				t.Errorf("%s: variant %+v, want %+v", tc.m.OriginalName, v, tc.want[i])
			}
			o, err := storage.Get(ctx, blog.VariantName(tc.m.Hash, tc.m.Type, v.Width))
			if err != nil || o.Size() != v.Size {
				t.Errorf("%s: the file of variant %d: %v", tc.m.OriginalName, v.Width, err)
			} else {
				o.Close()
			}
		}
	}
}

// BenchmarkUploadPhoto measures the upload of a 12-megapixel JPEG photo
// (decode, re-encode) and the making of its three copies.
func BenchmarkUploadPhoto(b *testing.B) {
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + i/4000)
	}
	var photo bytes.Buffer
	jpeg.Encode(&photo, img, &jpeg.Options{Quality: 90})
	for b.Loop() {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "octavo.db"))
		if err != nil {
			b.Fatal(err)
		}
		s := New(Options{Store: st, Storage: Local{Dir: b.TempDir()}, MaxBytes: 20 << 20})
		m, _, err := s.Upload(ctx, "photo.jpg", bytes.NewReader(photo.Bytes()), 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.MakeVariants(ctx, m.Hash); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}
