package attachment

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

func head(b []byte) []byte { return b[:min(len(b), SniffLen)] }

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		content  []byte
		want     string // accepted MIME type, or "" when refused
		detected string // what a refusal names
	}{
		{"jpeg", SampleJPEG(8, 8), "image/jpeg", ""},
		{"png", SamplePNG(8, 8), "image/png", ""},
		{"pdf", []byte(SamplePDF), "application/pdf", ""},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", "text/html"},
		{"html after whitespace", []byte("\n\n  <html><body>x</body></html>"), "", "text/html"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", "image/gif"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", "text/plain"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "", "application/zip"},
		{"text", []byte("just words"), "", "text/plain"},
		{"jpeg magic cut short", []byte{0xFF, 0xD8}, "", "text/plain"},
		{"pdf without dash", []byte("%PDF1.4"), "", "text/plain"},
		{"png signature damaged", []byte("\x89PNG\r\n\x1a\x0b rest"), "", "application/octet-stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, err := Sniff(head(tc.content))
			if tc.want != "" {
				if err != nil || typ.MIME != tc.want {
					t.Fatalf("Sniff = %v, %v; want %s", typ.MIME, err, tc.want)
				}
				return
			}
			e := apperr.As(err)
			if e.Code != apperr.Unsupported {
				t.Fatalf("Sniff = %v, %v; want Unsupported", typ.MIME, err)
			}
			if got := e.Args["type"]; got != tc.detected {
				t.Errorf("refusal names %v, want %s", got, tc.detected)
			}
		})
	}
}

func TestDimensions(t *testing.T) {
	jpegT, pngT := Types[0], Types[1]
	def := Limits{}
	for _, tc := range []struct {
		name   string
		lim    Limits
		typ    Type
		data   []byte
		w, h   int
		reason string // rule of the refusal, "" when accepted
	}{
		{"real png", def, pngT, SamplePNG(40, 30), 40, 30, ""},
		{"real jpeg", def, jpegT, SampleJPEG(33, 21), 33, 21, ""},
		{"png bomb 50000×50000", def, pngT, PNGHeader(50000, 50000), 0, 0, "image_too_large"},
		{"png one side too long", def, pngT, PNGHeader(10001, 10), 0, 0, "image_too_large"},
		{"png 8000×6000 is 48 MP", def, pngT, PNGHeader(8000, 6000), 0, 0, "image_too_large"},
		{"png 6000×6000 is 36 MP", def, pngT, PNGHeader(6000, 6000), 6000, 6000, ""},
		{"png at the side limit", def, pngT, PNGHeader(10000, 4000), 10000, 4000, ""},
		{"jpeg claiming 9000×9000", def, jpegT, JPEGClaiming(9000, 9000), 0, 0, "image_too_large"},
		{"jpeg claiming 60000×10", def, jpegT, JPEGClaiming(60000, 10), 0, 0, "image_too_large"},
		{"configured side limit", Limits{MaxSide: 100}, pngT, SamplePNG(120, 10), 0, 0, "image_too_large"},
		{"configured pixel limit", Limits{MaxPixels: 1000}, pngT, SamplePNG(40, 30), 0, 0, "image_too_large"},
		{"png with a bad checksum", def, pngT, damage(PNGHeader(10, 10), 29), 0, 0, "bad_image"},
		{"png of zero width", def, pngT, PNGHeader(0, 10), 0, 0, "bad_image"},
		{"jpeg cut before its frame", def, jpegT, SampleJPEG(8, 8)[:20], 0, 0, "bad_image"},
		{"pdf is no image", def, pngT, []byte(SamplePDF), 0, 0, "bad_image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, h, err := tc.lim.Dimensions(bytes.NewReader(tc.data), tc.typ)
			if tc.reason == "" {
				if err != nil || w != tc.w || h != tc.h {
					t.Fatalf("Dimensions = %d×%d, %v; want %d×%d", w, h, err, tc.w, tc.h)
				}
				return
			}
			e := apperr.As(err)
			if e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "file" ||
				!strings.HasSuffix(e.Fields[0].Key, "."+tc.reason) {
				t.Fatalf("Dimensions = %d×%d, %v; want Invalid file %s", w, h, err, tc.reason)
			}
		})
	}
}

func damage(b []byte, at int) []byte {
	b = bytes.Clone(b)
	b[at] ^= 0xFF
	return b
}

// A header claiming 50000×50000 (10 GB of pixels) is refused having allocated next to
// nothing: only the header is read.
func TestDimensions_BombAllocatesNothing(t *testing.T) {
	bomb := PNGHeader(50000, 50000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10 {
		if _, _, err := (Limits{}).Dimensions(bytes.NewReader(bomb), Types[1]); err == nil {
			t.Fatal("bomb accepted")
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("ten refusals allocated %d bytes", grew)
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("长", 250) + ".jpeg"
	for in, want := range map[string]string{
		"photo.jpg":        "photo.jpg",
		"../../etc/passwd": "passwd",
		`C:\Users\张三\Desktop\隐患 照片.png`: "隐患 照片.png",
		"  spaced.pdf  ":         "spaced.pdf",
		"evil\u202Egpj.exe":      "evilgpj.exe",
		"line\nbreak\x00.pdf":    "linebreak.pdf",
		"bad\xffutf8.pdf":        "badutf8.pdf",
		"..":                     "",
		"dir/":                   "",
		"":                       "",
		long:                     strings.Repeat("长", MaxNameLen-5) + ".jpeg",
		strings.Repeat("a", 300): strings.Repeat("a", MaxNameLen),
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDisposition(t *testing.T) {
	for _, tc := range []struct{ ct, name, want string }{
		{"image/jpeg", "photo.jpg", `inline; filename="photo.jpg"; filename*=UTF-8''photo.jpg`},
		{"application/pdf", "整改 报告.pdf", `attachment; filename="__ __.pdf"; filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E6%8A%A5%E5%91%8A.pdf`},
		{"application/zip", `a"b'c;d.zip`, `attachment; filename="a_b'c_d.zip"; filename*=UTF-8''a%22b%27c%3Bd.zip`},
	} {
		if got := Disposition(tc.ct, tc.name); got != tc.want {
			t.Errorf("Disposition(%s, %q) = %s, want %s", tc.ct, tc.name, got, tc.want)
		}
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MiB", 512 << 10: "512 KiB", 1000: "1000 bytes", 3<<20 + 1<<19: "3.5 MiB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %s, want %s", n, got, want)
		}
	}
}
