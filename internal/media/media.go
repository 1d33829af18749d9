// Package media is the media library: uploads checked and re-encoded
// (type sniffed from the bytes, size and pixel limits, EXIF and GPS
// dropped with the orientation applied), stored by content hash behind a
// Storage, and smaller copies made in the background. docs/media.md says
// what a user sees of it.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"

	"octavo/internal/blog"
)

// DefaultMaxPixels is the largest image accepted, in pixels (width ×
// height, all frames of a GIF together): decoding needs about 4 bytes a
// pixel, so 50 megapixels is 200 MB at most.
const DefaultMaxPixels = 50_000_000

// Options configure a Service.
type Options struct {
	Store   blog.MediaStore
	Storage Storage
	// MaxBytes is the largest upload (media-max-mb); MaxPixels the
	// largest image (DefaultMaxPixels when 0).
	MaxBytes  int64
	MaxPixels int64
	Clock     blog.Clock
	Log       *slog.Logger
}

// Service uploads, serves and deletes media files.
type Service struct {
	store     blog.MediaStore
	storage   Storage
	maxBytes  int64
	maxPixels int64
	clock     blog.Clock
	log       *slog.Logger
	queue     chan string
	pending   sync.WaitGroup
	// decoding bounds the uploads decoded at once: each may take up to
	// 4 bytes a pixel of memory.
	decoding chan struct{}
}

// New returns a service. Call Run to have smaller copies made.
func New(o Options) *Service {
	if o.MaxPixels == 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.Clock == nil {
		o.Clock = blog.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: o.Store, storage: o.Storage, maxBytes: o.MaxBytes, maxPixels: o.MaxPixels,
		clock: o.Clock, log: o.Log, queue: make(chan string, 1024), decoding: make(chan struct{}, 2)}
}

// MaxBytes is the upload size limit.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// Storage is where the files are.
func (s *Service) Storage() Storage { return s.storage }

// LimitText is the size limit as people write it ("20 MB").
func (s *Service) LimitText() string { return SizeText(s.maxBytes) }

// SizeText writes a number of bytes in MB (2^20 bytes, as the setting
// counts), KB or bytes.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkName refuses a file name that tries to be a path or holds control
// characters. The name is only ever shown (files are stored by hash), but
// a name like that is a sign of a forged request, and would mislead.
func checkName(name string) error {
	switch {
	case name == "":
		return blog.Errorf(blog.EINVALID, "The file has no name.")
	case len(name) > 255:
		return blog.Errorf(blog.EINVALID, "The file name is %d bytes long, more than 255.", len(name))
	case !utf8.ValidString(name):
		return blog.Errorf(blog.EINVALID, "The file name %q is not valid UTF-8.", name)
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return blog.Errorf(blog.EINVALID, "The file name %q is a path: a file name must not contain \"/\" or \"\\\".", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return blog.Errorf(blog.EINVALID, "The file name %q holds control characters.", name)
	}
	return nil
}

// Upload reads an uploaded file (at most MaxBytes of it, whatever the
// request said its length was), checks and re-encodes it, stores it and
// records it. The same bytes uploaded again give the file stored the first
// time (created false). Nothing is stored when it is refused.
func (s *Service) Upload(ctx context.Context, name string, r io.Reader, uploaderID int64) (m *blog.Media, created bool, err error) {
	if err := checkName(name); err != nil {
		return nil, false, err
	}
	b, err := io.ReadAll(io.LimitReader(r, s.maxBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, false, s.tooLarge(name)
		}
		return nil, false, blog.Wrap(blog.EINVALID, err, "%s: the upload was cut short.", name)
	}
	if int64(len(b)) > s.maxBytes {
		return nil, false, s.tooLarge(name)
	}
	if len(b) == 0 {
		return nil, false, blog.Errorf(blog.EINVALID, "%s: the file is empty.", name)
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:blog.HashLen/2])
	if old, err := s.store.MediaByHash(ctx, hash); err == nil {
		return old, false, nil
	} else if !blog.IsNotFound(err) {
		return nil, false, err
	}
	select {
	case s.decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, false, blog.Wrap(blog.EUNAVAILABLE, ctx.Err(), "%s: the upload was given up.", name)
	}
	p, err := process(name, b, s.maxPixels)
	<-s.decoding
	if err != nil {
		return nil, false, err
	}
	m = &blog.Media{Hash: hash, Type: p.typ, Width: p.width, Height: p.height, Size: int64(len(p.data)),
		OriginalName: name, Animated: p.animated, UploaderID: uploaderID, CreatedAt: s.clock.Now().UTC()}
	if err := s.storage.Put(ctx, m.Name(), p.data); err != nil {
		return nil, false, err
	}
	created, err = s.store.AddMedia(ctx, m)
	if err != nil {
		// Another upload of the same bytes may have recorded it meanwhile:
		// then the file is theirs too.
		if _, gone := s.store.MediaByHash(ctx, hash); blog.IsNotFound(gone) {
			_ = s.storage.Delete(ctx, m.Name())
		}
		return nil, false, err
	}
	if created {
		s.enqueue(m.Hash)
	}
	return m, created, nil
}

func (s *Service) tooLarge(name string) error {
	return blog.Errorf(blog.ETOOLARGE, "%s: the file is larger than the upload limit of %s.", name, s.LimitText())
}

// Delete removes a file, its smaller copies and its record.
func (s *Service) Delete(ctx context.Context, hash string) error {
	m, err := s.store.MediaByHash(ctx, hash)
	if err != nil {
		return err
	}
	if err := s.store.DeleteMedia(ctx, hash); err != nil {
		return err
	}
	img := m.Image()
	for _, w := range blog.VariantWidths {
		if err := s.storage.Delete(ctx, blog.VariantName(hash, m.Type, w)); err != nil {
			s.log.Warn("media: deleting a copy", "file", blog.VariantName(hash, m.Type, w), "error", err)
		}
	}
	if err := s.storage.Delete(ctx, img.Name()); err != nil {
		s.log.Warn("media: deleting a file", "file", img.Name(), "error", err)
	}
	return nil
}

// enqueue asks for the smaller copies of a file. When the queue is full
// the file waits for the next start (Run makes every missing copy).
func (s *Service) enqueue(hash string) {
	s.pending.Add(1)
	select {
	case s.queue <- hash:
	default:
		s.pending.Done()
	}
}

// Wait returns once every copy asked for so far is made (or failed); Run
// must be running.
func (s *Service) Wait() { s.pending.Wait() }

// Run makes smaller copies until ctx ends: first those missing (an upload
// before a restart), then those of each new upload, one file at a time so
// that uploads never take both cores.
func (s *Service) Run(ctx context.Context) {
	all, err := s.store.ListMedia(ctx)
	if err != nil {
		s.log.Error("media: listing files for their copies", "error", err)
	}
	for _, m := range all {
		if len(m.Variants) < len(m.Image().Widths()) {
			s.enqueue(m.Hash)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case h := <-s.queue:
			if err := s.MakeVariants(ctx, h); err != nil {
				s.log.Error("media: making smaller copies", "hash", h, "error", err)
			}
			s.pending.Done()
		}
	}
}

// MakeVariants makes the smaller copies of a file that are missing: one
// for each of blog.VariantWidths narrower than the file (never larger),
// each made from the next larger one.
func (s *Service) MakeVariants(ctx context.Context, hash string) error {
	m, err := s.store.MediaByHash(ctx, hash)
	if err != nil {
		return err
	}
	ws := m.Image().Widths()
	have := map[int]bool{}
	for _, v := range m.Variants {
		have[v.Width] = true
	}
	var src image.Image
	for i := len(ws) - 1; i >= 0; i-- {
		w := ws[i]
		if have[w] {
			continue
		}
		if src == nil {
			o, err := s.storage.Get(ctx, m.Name())
			if err != nil {
				return err
			}
			b, err := io.ReadAll(o)
			o.Close()
			if err != nil {
				return blog.Wrap(blog.EINTERNAL, err, "reading %s", m.Name())
			}
			if src, err = decode(m.Type, b); err != nil {
				return blog.Wrap(blog.EINTERNAL, err, "decoding %s", m.Name())
			}
		}
		h := max(1, (m.Height*w+m.Width/2)/m.Width)
		// RGBA (premultiplied) is what x/image/draw has fast paths for.
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		typ := blog.VariantType(m.Type)
		data, err := encode(typ, dst)
		if err != nil {
			return blog.Wrap(blog.EINTERNAL, err, "writing a copy of %s", m.Name())
		}
		if err := s.storage.Put(ctx, blog.VariantName(hash, m.Type, w), data); err != nil {
			return err
		}
		if err := s.store.AddVariant(ctx, hash, blog.Variant{Width: w, Height: h, Size: int64(len(data))}); err != nil {
			return err
		}
		src = dst // the next, smaller copy is made from this one
	}
	return nil
}

// Open opens a file to serve by its name under /media/: the stored file
// or one of its copies. pending is true when a copy is asked for that is
// not made yet: the stored file is given instead, and must not be cached
// as the copy.
func (s *Service) Open(ctx context.Context, name string) (o Object, typ string, pending bool, err error) {
	hash, w, ext, ok := blog.ParseMediaName(name)
	if !ok {
		return nil, "", false, notFound(name)
	}
	o, err = s.storage.Get(ctx, name)
	if err == nil {
		return o, blog.MediaTypeOfExt(ext), false, nil
	}
	if !blog.IsNotFound(err) || w == 0 {
		return nil, "", false, err
	}
	m, err := s.store.MediaByHash(ctx, hash)
	if err != nil {
		return nil, "", false, err
	}
	if VariantNameOK(m, w, ext) {
		o, err = s.storage.Get(ctx, m.Name())
		return o, m.Type, true, err
	}
	return nil, "", false, notFound(name)
}

// VariantNameOK reports whether a copy w wide with extension ext is one
// m has or will have.
func VariantNameOK(m *blog.Media, w int, ext string) bool {
	for _, x := range m.Image().Widths() {
		if x == w && blog.MediaExt(blog.VariantType(m.Type)) == ext {
			return true
		}
	}
	return false
}
