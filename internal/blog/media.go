package blog

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Media is one file of the media library: an image stored under the
// hash of the bytes that were uploaded (docs/media.md).
type Media struct {
	Hash         string // HashLen lower-case hex digits of the SHA-256 of the upload
	Type         string // the MIME type of the stored file: image/jpeg, image/png or image/gif
	Width        int
	Height       int
	Size         int64 // bytes of the stored (stripped) file
	OriginalName string
	Animated     bool // an animated GIF: served as it is, no smaller copies
	UploaderID   int64
	Uploader     string // the uploader's username; empty once the account is gone
	CreatedAt    time.Time
	// Variants are the smaller copies made so far (none until the
	// background work has run).
	Variants []Variant
}

// Variant is a smaller copy of a media file.
type Variant struct {
	Width  int
	Height int
	Size   int64
}

// MediaUse is a post or page that shows a media file, in its body or as
// its featured image.
type MediaUse struct {
	Hash     string
	Post     PostRef
	Status   Status
	Featured bool
}

// Image is a media file as a page shows it: enough for <img src srcset
// width height>.
type Image struct {
	Hash     string
	Type     string
	Width    int
	Height   int
	Animated bool
}

// HashLen is the number of hex digits of a media hash (128 bits of the
// SHA-256).
const HashLen = 32

// VariantWidths are the widths of the smaller copies of every image
// wider than them; an image is never made larger.
var VariantWidths = []int{480, 960, 1600}

// MediaExt is the file extension of a stored media type.
func MediaExt(mimeType string) string {
	switch mimeType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	}
	return ""
}

// MediaTypeOfExt is the stored media type of a file extension (".jpg").
func MediaTypeOfExt(ext string) string {
	switch ext {
	case ".jpg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	}
	return ""
}

// VariantType is the type of the smaller copies of a stored type: a GIF's
// are PNG (resizing leaves the palette), the others keep theirs.
func VariantType(mimeType string) string {
	if mimeType == "image/gif" {
		return "image/png"
	}
	return mimeType
}

// Name is the file name of the stored file, e.g. "3f…9c.jpg".
func (m *Media) Name() string { return m.Hash + MediaExt(m.Type) }

// Image is m as a page shows it.
func (m *Media) Image() Image {
	return Image{Hash: m.Hash, Type: m.Type, Width: m.Width, Height: m.Height, Animated: m.Animated}
}

// Name is the file name of the stored file.
func (i Image) Name() string { return i.Hash + MediaExt(i.Type) }

// Src is the URL path of the stored file.
func (i Image) Src() string { return "/media/" + i.Name() }

// Widths are the widths of the smaller copies an image has (or will have
// once the background work has run): those of VariantWidths below its own
// width; none for an animated GIF.
func (i Image) Widths() []int {
	if i.Animated {
		return nil
	}
	var ws []int
	for _, w := range VariantWidths {
		if w < i.Width {
			ws = append(ws, w)
		}
	}
	return ws
}

// VariantName is the file name of the copy of a media file w pixels wide.
func VariantName(hash, mimeType string, w int) string {
	return hash + "-" + strconv.Itoa(w) + MediaExt(VariantType(mimeType))
}

// VariantSrc is the URL path of the copy w pixels wide.
func (i Image) VariantSrc(w int) string { return "/media/" + VariantName(i.Hash, i.Type, w) }

// Srcset lists the smaller copies and the file itself with their widths;
// empty when there are no copies.
func (i Image) Srcset() string {
	ws := i.Widths()
	if len(ws) == 0 {
		return ""
	}
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "%s %dw, ", i.VariantSrc(w), w)
	}
	fmt.Fprintf(&b, "%s %dw", i.Src(), i.Width)
	return b.String()
}

// ImageSizes is the sizes attribute of a post's images: the width of the
// theme's text column (42rem at most), else the viewport less its margins.
const ImageSizes = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"

// mediaNameRE matches a file name under /media/: a hash, an optional
// variant width, an extension.
var mediaNameRE = regexp.MustCompile(`^([0-9a-f]{32})(?:-([0-9]{3,4}))?(\.jpg|\.png|\.gif)$`)

// ParseMediaName splits a file name under /media/ into its hash and the
// variant width (0 for the stored file itself). ok is false for anything
// else: only names of this exact form are ever served.
func ParseMediaName(name string) (hash string, width int, ext string, ok bool) {
	m := mediaNameRE.FindStringSubmatch(name)
	if m == nil {
		return "", 0, "", false
	}
	if m[2] != "" {
		width, _ = strconv.Atoi(m[2])
		if width == 0 || m[2][0] == '0' {
			return "", 0, "", false
		}
	}
	return m[1], width, m[3], true
}

// mediaRefRE finds references to media files in a post's body.
var mediaRefRE = regexp.MustCompile(`/media/([0-9a-f]{32})(?:-[0-9]{3,4})?\.(?:jpg|png|gif)`)

// MediaRefs returns the hashes of the media files a body refers to
// (/media/HASH.ext or a copy of it), each once, in order.
func MediaRefs(body string) []string {
	var hs []string
	seen := map[string]bool{}
	for _, m := range mediaRefRE.FindAllStringSubmatch(body, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			hs = append(hs, m[1])
		}
	}
	return hs
}

// MediaStore keeps the media library's records (the files themselves are
// in a media.Storage). Every method is one transaction.
type MediaStore interface {
	// AddMedia records m unless a file of the same hash is there; created
	// reports which, and m is filled from the stored row either way.
	AddMedia(ctx context.Context, m *Media) (created bool, err error)
	// MediaByHash returns one file with its variants; ENOTFOUND when none.
	MediaByHash(ctx context.Context, hash string) (*Media, error)
	// ListMedia returns every file with its variants, newest first.
	ListMedia(ctx context.Context) ([]*Media, error)
	// RecentMedia returns the newest limit files with their variants,
	// newest first: anyone's when uploaderID is 0, else that user's.
	RecentMedia(ctx context.Context, uploaderID int64, limit int) ([]*Media, error)
	// AddVariant records a smaller copy of a file.
	AddVariant(ctx context.Context, hash string, v Variant) error
	// MediaImages returns the files of the given hashes that exist.
	MediaImages(ctx context.Context, hashes []string) (map[string]Image, error)
	// MediaUses returns the posts and pages that show the files of the
	// given hashes (all files when hashes is nil).
	MediaUses(ctx context.Context, hashes []string) ([]MediaUse, error)
	// DeleteMedia removes a file's record and its variants' (featured
	// images that were this file are cleared); ENOTFOUND when none.
	DeleteMedia(ctx context.Context, hash string) error
}

// Sizes is the sizes attribute for the image in a post (ImageSizes).
func (Image) Sizes() string { return ImageSizes }
