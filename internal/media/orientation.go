package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// orientation reads the EXIF orientation (1–8) of a JPEG (APP1 "Exif"),
// a PNG (eXIf chunk) or a WebP (EXIF chunk); 1 when there is none or it
// cannot be read. Only this one tag is read: the rest of the metadata is
// dropped anyway (see docs/architecture.md for why this is not a library).
func orientation(typ string, b []byte) int {
	var tiff []byte
	switch typ {
	case "image/jpeg":
		tiff = jpegEXIF(b)
	case "image/png":
		tiff = chunk(b, 8, false, "eXIf")
	case "image/webp":
		tiff = chunk(b, 12, true, "EXIF")
		tiff = bytes.TrimPrefix(tiff, []byte("Exif\x00\x00"))
	}
	return tiffOrientation(tiff)
}

// jpegEXIF returns the TIFF block of a JPEG's EXIF segment.
func jpegEXIF(b []byte) []byte {
	i := 2 // after SOI
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		i += 2 + n
	}
	return nil
}

// chunk finds the data of the first chunk of kind, from offset start, in
// a PNG (big-endian length, then kind; a 4-byte CRC after the data) or a
// RIFF file (kind, then little-endian length; data padded to an even
// length).
func chunk(b []byte, start int, riff bool, kind string) []byte {
	i := start
	for i+8 <= len(b) {
		var n int
		var typ string
		if riff {
			typ, n = string(b[i:i+4]), int(binary.LittleEndian.Uint32(b[i+4:]))
		} else {
			n, typ = int(binary.BigEndian.Uint32(b[i:])), string(b[i+4:i+8])
		}
		if n < 0 || n > len(b)-i-8 {
			return nil
		}
		if typ == kind {
			return b[i+8 : i+8+n]
		}
		i += 8 + n
		if !riff {
			i += 4
		} else if n%2 == 1 {
			i++
		}
	}
	return nil
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF block.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(order.Uint16(t[ifd:]))
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if order.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if order.Uint16(t[e+2:]) != 3 { // SHORT
			return 1
		}
		if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient turns img as EXIF orientation o says, so that it is upright with
// no metadata needed.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			si := src.PixOffset(x, y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}
