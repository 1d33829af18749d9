package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"

	"golang.org/x/image/webp"

	"octavo/internal/blog"
)

// JPEGQuality is the quality of the JPEG files Octavo writes (stripped
// originals and smaller copies).
const JPEGQuality = 88

// sniff tells the type of an upload from its first bytes: image/jpeg,
// image/png, image/gif, image/webp, or "" for anything else.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// looksLikeSVG reports whether b is an SVG document (XML whose root is
// <svg>), for a message that says why it is refused.
func looksLikeSVG(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 1024)]))
	head = strings.TrimPrefix(head, "\ufeff")
	head = strings.TrimSpace(head)
	return (strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<svg") || strings.HasPrefix(head, "<!doctype svg")) &&
		strings.Contains(head, "<svg")
}

// typeNames are the accepted types as people call them.
var typeNames = map[string]string{"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP"}

// processed is an upload made ready to store: its bytes re-encoded
// (upright, no metadata), their type and size.
type processed struct {
	data          []byte
	typ           string
	width, height int
	animated      bool
}

// process checks and re-encodes an upload. name is the file's name for
// messages. Every refusal is a *blog.Error with a message that says what
// is wrong with the file.
func process(name string, b []byte, maxPixels int64) (*processed, error) {
	typ := sniff(b)
	if typ == "" {
		if looksLikeSVG(b) {
			return nil, blog.Errorf(blog.EUNSUPPORTED, "%s: SVG images are not accepted: an SVG file can hold scripts that would run on this site. Convert it to PNG first.", name)
		}
		looks := http.DetectContentType(b)
		looks, _, _ = strings.Cut(looks, ";")
		return nil, blog.Errorf(blog.EUNSUPPORTED, "%s: not a JPEG, PNG, GIF or WebP image (its content is %s, whatever its name says).", name, looks)
	}
	cfg, err := decodeConfig(typ, b)
	if err != nil {
		return nil, blog.Wrap(blog.EINVALID, err, "%s: the %s image is damaged or uses a feature that cannot be read.", name, typeNames[typ])
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, blog.Errorf(blog.EINVALID, "%s: the %s image has no pixels (%d×%d).", name, typeNames[typ], cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, blog.Errorf(blog.EINVALID, "%s: the image is %d×%d pixels, more than the limit of %s megapixels.", name, cfg.Width, cfg.Height, megapixels(maxPixels))
	}
	frames := 1
	if typ == "image/gif" {
		// Every frame is decoded: a small file of many large frames is a
		// bomb too.
		var pixels int64
		if frames, pixels, err = gifFrames(b); err != nil {
			return nil, blog.Wrap(blog.EINVALID, err, "%s: the GIF image is damaged.", name)
		}
		if pixels > maxPixels {
			return nil, blog.Errorf(blog.EINVALID, "%s: the GIF image has %d frames of %d pixels in all, more than the limit of %s megapixels.", name, frames, pixels, megapixels(maxPixels))
		}
	}

	if typ == "image/gif" && frames > 1 {
		// An animation stays an animation: decoding and encoding it again
		// keeps frames, delays and looping and drops comments and
		// application blocks (XMP).
		g, err := gif.DecodeAll(bytes.NewReader(b))
		if err != nil {
			return nil, blog.Wrap(blog.EINVALID, err, "%s: the GIF image is damaged.", name)
		}
		g.Config.Width, g.Config.Height = cfg.Width, cfg.Height
		var out bytes.Buffer
		if err := gif.EncodeAll(&out, g); err != nil {
			return nil, blog.Wrap(blog.EINTERNAL, err, "%s: writing the GIF image failed", name)
		}
		return &processed{data: out.Bytes(), typ: "image/gif", width: cfg.Width, height: cfg.Height, animated: true}, nil
	}

	img, err := decode(typ, b)
	if err != nil {
		return nil, blog.Wrap(blog.EINVALID, err, "%s: the %s image is damaged or uses a feature that cannot be read.", name, typeNames[typ])
	}
	stored := storedType(typ, img)
	img = orient(img, orientation(typ, b))
	data, err := encode(stored, img)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "%s: writing the image failed", name)
	}
	bd := img.Bounds()
	return &processed{data: data, typ: stored, width: bd.Dx(), height: bd.Dy()}, nil
}

// storedType is the type an upload is stored as: its own, except WebP
// (which Go cannot write): a lossy WebP becomes a JPEG, a lossless or
// transparent one a PNG.
func storedType(typ string, img image.Image) string {
	if typ != "image/webp" {
		return typ
	}
	if _, ok := img.(*image.YCbCr); ok {
		return "image/jpeg"
	}
	return "image/png"
}

func decodeConfig(typ string, b []byte) (image.Config, error) {
	r := bytes.NewReader(b)
	switch typ {
	case "image/jpeg":
		return jpeg.DecodeConfig(r)
	case "image/png":
		return png.DecodeConfig(r)
	case "image/gif":
		return gif.DecodeConfig(r)
	case "image/webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, errors.New("unknown type")
}

func decode(typ string, b []byte) (image.Image, error) {
	r := bytes.NewReader(b)
	switch typ {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/gif":
		return gif.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	return nil, errors.New("unknown type")
}

func encode(typ string, img image.Image) ([]byte, error) {
	var out bytes.Buffer
	var err error
	switch typ {
	case "image/jpeg":
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: JPEGQuality})
	case "image/png":
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	case "image/gif":
		err = gif.Encode(&out, img, nil)
	default:
		err = fmt.Errorf("cannot write %s", typ)
	}
	return out.Bytes(), err
}

// gifFrames walks the blocks of a GIF without decoding them and returns
// how many frames it has and their pixels in all.
func gifFrames(b []byte) (frames int, pixels int64, err error) {
	damaged := errors.New("gif: truncated or malformed block")
	if len(b) < 13 {
		return 0, 0, damaged
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (1 + int(b[10]&7))
	}
	subBlocks := func() bool {
		for {
			if i >= len(b) {
				return false
			}
			n := int(b[i])
			i++
			if n == 0 {
				return true
			}
			i += n
		}
	}
	for i < len(b) {
		switch b[i] {
		case 0x3B: // trailer
			return frames, pixels, nil
		case 0x21: // extension: label, then sub-blocks
			i += 2
			if !subBlocks() {
				return 0, 0, damaged
			}
		case 0x2C: // image descriptor
			if i+10 > len(b) {
				return 0, 0, damaged
			}
			w := int64(binary.LittleEndian.Uint16(b[i+5:]))
			h := int64(binary.LittleEndian.Uint16(b[i+7:]))
			packed := b[i+9]
			i += 10
			if packed&0x80 != 0 {
				i += 3 << (1 + int(packed&7))
			}
			i++ // LZW minimum code size
			if !subBlocks() {
				return 0, 0, damaged
			}
			frames++
			pixels += w * h
		default:
			return 0, 0, damaged
		}
	}
	// A missing trailer is common and harmless.
	return frames, pixels, nil
}

// megapixels writes a pixel count in millions, without a needless ".0".
func megapixels(n int64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e6), ".0")
}
