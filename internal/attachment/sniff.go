package attachment

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Type is an accepted kind of content.
type Type struct {
	MIME  string // the media type stored and served, e.g. "image/png"
	Name  string // what users call it: "JPEG", "PNG", "PDF"
	Ext   string // the usual file extension, for a file that came without a name
	Image bool   // dimensions are read and limited
	magic []byte
	// decodeConfig reads the image header only: dimensions, never pixels.
	decodeConfig func(io.Reader) (image.Config, error)
}

// Types lists the accepted types. Anything else is refused, whatever its name says.
var Types = []Type{
	{MIME: "image/jpeg", Name: "JPEG", Ext: ".jpg", Image: true, magic: []byte{0xFF, 0xD8, 0xFF}, decodeConfig: jpeg.DecodeConfig},
	{MIME: "image/png", Name: "PNG", Ext: ".png", Image: true, magic: []byte("\x89PNG\r\n\x1a\n"), decodeConfig: png.DecodeConfig},
	{MIME: "application/pdf", Name: "PDF", Ext: ".pdf", magic: []byte("%PDF-")},
}

// SniffLen is how many leading bytes Sniff wants (http.DetectContentType reads 512).
const SniffLen = 512

// Sniff decides the type of content from its first bytes (up to SniffLen), never from a
// file name or a client's Content-Type: the magic number must match one of Types and
// http.DetectContentType must agree. Errors: Unsupported, naming what the content is and
// what is accepted.
func Sniff(head []byte) (Type, error) {
	detected, _, err := mime.ParseMediaType(http.DetectContentType(head))
	if err != nil {
		detected = "application/octet-stream"
	}
	for _, t := range Types {
		if bytes.HasPrefix(head, t.magic) && detected == t.MIME {
			return t, nil
		}
	}
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = t.MIME
	}
	e := apperr.New(apperr.Unsupported, "attachment.unsupported_type",
		apperr.E{"type": detected, "allowed": i18n.Key("attachment.allowed")})
	e.Extra = map[string]any{"detected_type": detected, "allowed_types": names}
	return Type{}, e
}

// Dimensions reads the width and height of an image of type t from the header of r,
// without decoding (or allocating for) its pixels, and checks them against l. Errors:
// Invalid on the field "file" when the header is not a valid image of type t, or when a
// side is over MaxSide or the area over MaxPixels.
func (l Limits) Dimensions(r io.Reader, t Type) (width, height int, err error) {
	l = l.orDefaults()
	if !t.Image || t.decodeConfig == nil {
		return 0, 0, fmt.Errorf("attachment: %s is not an image type", t.MIME)
	}
	cfg, err := t.decodeConfig(r)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		v := apperr.Validation{}
		v.Add("file", "attachment.bad_image", apperr.E{"type": t.Name})
		return 0, 0, v.Err()
	}
	if cfg.Width > l.MaxSide || cfg.Height > l.MaxSide || int64(cfg.Width)*int64(cfg.Height) > l.MaxPixels {
		v := apperr.Validation{}
		v.Add("file", "attachment.image_too_large", apperr.E{
			"width": cfg.Width, "height": cfg.Height,
			"max_side": l.MaxSide, "max_megapixels": megapixels(l.MaxPixels),
		})
		return 0, 0, v.Err()
	}
	return cfg.Width, cfg.Height, nil
}

func megapixels(n int64) string {
	if n%1_000_000 == 0 {
		return fmt.Sprint(n / 1_000_000)
	}
	return fmt.Sprintf("%.1f", float64(n)/1e6)
}

// sizeText writes a byte count the way people say it: "10 MiB", "512 KiB", "1000 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// MaxNameLen caps a stored original file name, in characters.
const MaxNameLen = 200

// CleanName reduces a client's file name to something safe to store and show: the base
// name only (either slash), valid UTF-8 without control or formatting characters (no
// right-to-left overrides disguising an extension), at most MaxNameLen characters with
// the extension kept. It may return "".
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if strings.Trim(name, ".") == "" {
		return ""
	}
	rs := []rune(name)
	if len(rs) <= MaxNameLen {
		return name
	}
	ext := []rune(filepath.Ext(name))
	if len(ext) > 16 {
		ext = nil
	}
	return strings.TrimSpace(string(rs[:MaxNameLen-len(ext)])) + string(ext)
}
