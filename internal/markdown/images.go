package markdown

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"octavo/internal/blog"
)

// ImageLookup finds a file of the media library by its hash; ok is false
// for a file the library does not have.
type ImageLookup func(hash string) (img blog.Image, ok bool)

// imagesKey carries the ImageLookup of one Render call to
// imageTransformer.
var imagesKey = parser.NewContextKey()

// imageTransformer gives every Markdown image whose source is a file of
// the media library (/media/HASH.ext, or one of its smaller copies) what
// lets a browser choose a copy and keep the room for it before it loads:
// srcset and sizes, the intrinsic width and height, loading="lazy" (the
// first image of the post "eager": it is often in view at once) and
// decoding="async". Other images are left as they are.
type imageTransformer struct{}

func (imageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	lookup, _ := pc.Get(imagesKey).(ImageLookup)
	if lookup == nil {
		return
	}
	first := true
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		wasFirst := first
		first = false
		name, ok := strings.CutPrefix(string(img.Destination), "/media/")
		if !ok {
			return ast.WalkContinue, nil
		}
		hash, _, _, ok := blog.ParseMediaName(name)
		if !ok {
			return ast.WalkContinue, nil
		}
		m, ok := lookup(hash)
		if !ok {
			return ast.WalkContinue, nil
		}
		if srcset := m.Srcset(); srcset != "" {
			img.SetAttributeString("srcset", []byte(srcset))
			img.SetAttributeString("sizes", []byte(blog.ImageSizes))
		}
		img.SetAttributeString("width", []byte(strconv.Itoa(m.Width)))
		img.SetAttributeString("height", []byte(strconv.Itoa(m.Height)))
		if wasFirst {
			img.SetAttributeString("loading", []byte("eager"))
		} else {
			img.SetAttributeString("loading", []byte("lazy"))
		}
		img.SetAttributeString("decoding", []byte("async"))
		return ast.WalkSkipChildren, nil
	})
}
