package data

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"path"
	"regexp"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// What a file shows before it is opened, made once when its bytes are
// first stored (never when a timeline is shown): a thumbnail of an image,
// turned the way the camera held it (EXIF orientation), and of a PDF the
// number of pages and, for a scan (a page that is one JPEG picture, what a
// phone's scanner or a copier makes), a thumbnail of its first picture. A
// PDF drawn from text has no thumbnail: rendering PDF pages needs a PDF
// engine, and a screen shows its pages count and name instead.
//
// Decoding is guarded: a picture announcing more than maxPreviewPixels gets
// no thumbnail (a small file can claim to be gigantic).

// thumbSide is the largest side of a thumbnail, in pixels.
const thumbSide = 320

// maxPreviewPixels bounds the pictures decoded for a thumbnail.
const maxPreviewPixels = 80_000_000

type preview struct {
	kind          PreviewKind
	width, height int
	pages         int
	thumb         []byte // JPEG
}

func (p preview) kindText() string {
	if p.kind == PreviewNone {
		return "none"
	}
	return string(p.kind)
}

// sniffType is a file's media type: from its first bytes when they are one
// of the formats a preview reads (or another common one), else from the
// name's extension, else application/octet-stream. A name saying ".jpg" on
// bytes that are not a JPEG is not believed.
func sniffType(b []byte, name string) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "heic" || string(b[8:12]) == "heix" || string(b[8:12]) == "mif1"):
		return "image/heic"
	}
	t := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
	if t == "" {
		return "application/octet-stream"
	}
	// an extension claiming a picture or a PDF the bytes did not show is
	// not believed: those are what screens preview
	if strings.HasPrefix(t, "image/") || strings.HasPrefix(t, "application/pdf") || strings.HasPrefix(t, "text/html") {
		return "application/octet-stream"
	}
	return t
}

// makePreview reads what a file shows; it never fails (a file it cannot
// read shows an icon).
func makePreview(b []byte, ctype string) (p preview) {
	defer func() {
		if recover() != nil { // a decoder's bug must not lose the file
			p = preview{kind: p.kind, pages: p.pages}
		}
	}()
	switch {
	case strings.HasPrefix(ctype, "image/") && ctype != "image/heic":
		p.kind = PreviewImage
		cfg, _, err := decodeConfig(b, ctype)
		if err != nil {
			return preview{} // not a picture after all
		}
		p.width, p.height = cfg.Width, cfg.Height
		if cfg.Width*cfg.Height > maxPreviewPixels || cfg.Width <= 0 || cfg.Height <= 0 {
			return p
		}
		img, err := decodeImage(b, ctype)
		if err != nil {
			return p
		}
		o := 1
		if ctype == "image/jpeg" {
			o = jpegOrientation(b)
		}
		if o >= 5 { // a quarter turn: the picture as seen is the other way
			p.width, p.height = p.height, p.width
		}
		p.thumb = thumbnail(img, o)
	case ctype == "application/pdf":
		p.kind = PreviewPDF
		p.pages = pdfPages(b)
		if img := pdfFirstScan(b); img != nil {
			bd := img.Bounds()
			p.width, p.height = bd.Dx(), bd.Dy()
			p.thumb = thumbnail(img, 1)
		}
	}
	return p
}

func decodeConfig(b []byte, ctype string) (image.Config, string, error) {
	if ctype == "image/webp" {
		c, err := webp.DecodeConfig(bytes.NewReader(b))
		return c, "webp", err
	}
	return image.DecodeConfig(bytes.NewReader(b))
}

func decodeImage(b []byte, ctype string) (image.Image, error) {
	r := bytes.NewReader(b)
	switch ctype {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/gif":
		return gif.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	img, _, err := image.Decode(r)
	return img, err
}

// thumbnail scales img to fit thumbSide, turns it as the EXIF orientation
// o says, and encodes it as JPEG. A large picture is first halved cheaply
// to four times the thumbnail, then filtered well: fast and without
// aliasing.
func thumbnail(img image.Image, o int) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	fit := func(side int) (int, int) {
		if w <= side && h <= side {
			return w, h
		}
		if w >= h {
			return side, max(1, h*side/w)
		}
		return max(1, w*side/h), side
	}
	src := img
	if w > 4*thumbSide || h > 4*thumbSide {
		mw, mh := fit(4 * thumbSide)
		mid := image.NewRGBA(image.Rect(0, 0, mw, mh))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), img, b, draw.Src, nil)
		src = mid
	}
	tw, th := fit(thumbSide)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	out := orient(dst, o)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 82}); err != nil {
		return nil
	}
	return buf.Bytes()
}

// orient turns an image as EXIF orientation o (1–8) says the camera held
// it, so that it shows upright.
func orient(src *image.RGBA, o int) image.Image {
	if o <= 1 || o > 8 {
		return src
	}
	b := src.Bounds()
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
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored, upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, a quarter turn left
				dx, dy = y, x
			case 6: // a quarter turn right
				dx, dy = h-1-y, x
			case 7: // mirrored, a quarter turn right
				dx, dy = h-1-y, w-1-x
			case 8: // a quarter turn left
				dx, dy = y, w-1-x
			}
			i := src.PixOffset(x, y)
			j := dst.PixOffset(dx, dy)
			copy(dst.Pix[j:j+4], src.Pix[i:i+4])
		}
	}
	return dst
}

// jpegOrientation reads the EXIF orientation of a JPEG (1 when it has
// none).
func jpegOrientation(b []byte) int {
	i := 2
	for i+4 <= len(b) && b[i] == 0xff {
		marker := b[i+1]
		size := int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xda || size < 2 || i+2+size > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+size]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for k := 0; k < n; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

var pdfPageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// pdfPages counts a PDF's page objects (0 when it hides them in
// compressed object streams).
func pdfPages(b []byte) int {
	return len(pdfPageRE.FindAllIndex(b, 10000))
}

// pdfFirstScan decodes the first JPEG picture of a PDF that is large enough
// to be a scanned page (at least 400 pixels a side), or nil.
func pdfFirstScan(b []byte) image.Image {
	rest := b
	for tries := 0; tries < 8; tries++ {
		i := bytes.Index(rest, []byte("/DCTDecode"))
		if i < 0 {
			return nil
		}
		rest = rest[i+len("/DCTDecode"):]
		s := bytes.Index(rest, []byte("stream"))
		if s < 0 || s > 4096 {
			continue
		}
		body := rest[s+len("stream"):]
		if bytes.HasPrefix(body, []byte("\r\n")) {
			body = body[2:]
		} else if len(body) > 0 && (body[0] == '\n' || body[0] == '\r') {
			body = body[1:]
		}
		e := bytes.Index(body, []byte("endstream"))
		if e < 0 {
			return nil
		}
		jpg := body[:e]
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
		if err != nil || cfg.Width < 400 || cfg.Height < 400 || cfg.Width*cfg.Height > maxPreviewPixels {
			continue
		}
		img, err := jpeg.Decode(bytes.NewReader(jpg))
		if err != nil {
			continue
		}
		return img
	}
	return nil
}
