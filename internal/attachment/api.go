package attachment

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// formSlack is what a multipart body may carry beyond the file itself: boundaries, part
// headers, small fields. The file's own limit is counted separately, byte by byte.
const formSlack = 64 << 10

// Routes registers the capability's API routes.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "POST", Path: "/api/v1/attachments", ID: "createAttachment", Tag: "attachment",
		Summary:   "Upload a photo (JPEG, PNG) or a PDF as multipart/form-data in the field file; returns its id to reference (an upload no record uses within 24 hours is removed)",
		FileField: "file", Response: Attachment{}, Status: http.StatusCreated, Handler: m.apiCreate})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/attachments/{id}", ID: "getAttachment", Tag: "attachment",
		Summary: "Get an attachment's metadata", Object: "attachment", Response: Attachment{}, Handler: m.apiGet})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/attachments/{id}/content", ID: "getAttachmentContent", Tag: "attachment",
		Summary: "Download an attachment's bytes (supports Range and If-None-Match)", Object: "attachment",
		Produces: []string{"image/jpeg", "image/png", "application/pdf"}, Handler: m.apiContent})
}

func (m *Module) apiCreate(w http.ResponseWriter, r *http.Request) error {
	// A cookie-authenticated upload carries its CSRF token in the X-CSRF-Token header or
	// as the body's first part (auth.Middleware); the query is not read.
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return apperr.New(apperr.Unsupported, "attachment.want_multipart", nil)
	}
	max := m.Limits.orDefaults().MaxBytes + formSlack
	if r.ContentLength > max {
		return m.tooLarge() // refused before reading a byte
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			v := apperr.Validation{}
			v.Add("file", "validate.required", nil)
			return v.Err()
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return m.tooLarge()
			}
			return apperr.Wrap(err, apperr.BadRequest, "attachment.bad_form")
		}
		if part.FormName() != "file" {
			// Other fields are skipped; they still count against the body's limit.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return m.readErr(err)
			}
			continue
		}
		a, err := m.Create(r.Context(), auth.FromContext(r.Context()), part.FileName(), part)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/attachments/"+a.ID.String())
		return api.JSON(w, http.StatusCreated, a)
	}
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
	a, err := m.requested(r)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, a)
}

// requested reads the attachment the path's {id} names, in the caller's scope; the
// request may carry no query parameters but the common ones.
func (m *Module) requested(r *http.Request) (Attachment, error) {
	id, err := api.PathID(r, "id", "attachment")
	if err != nil {
		return Attachment{}, err
	}
	if err := api.DecodeQuery(r, nil, false); err != nil {
		return Attachment{}, err
	}
	return Get(r.Context(), m.DB, auth.FromContext(r.Context()), id)
}

// apiContent serves the bytes under headers that keep a browser from treating them as
// anything but the checked type: no sniffing, a sandbox with nothing allowed, inline only
// for images. PDFs are downloaded: Chromium's PDF viewer does not run in a sandboxed
// document, and a PDF shown without the sandbox could run its scripts on our origin.
func (m *Module) apiContent(w http.ResponseWriter, r *http.Request) error {
	a, err := m.requested(r)
	if err != nil {
		return err
	}
	rc, err := m.Store.Open(r.Context(), a.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		return m.fileMissing(w, r, a) // the row outlived its bytes
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Disposition", Disposition(a.ContentType, a.OriginalName))
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+a.SHA256+`"`)
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", a.UploadedAt, rs)
		return nil
	}
	// A store without seeking (a plain object stream): whole content, no ranges.
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+a.SHA256+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Last-Modified", a.UploadedAt.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.FormatInt(a.SizeBytes, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(w, rc)
	return err
}

// Disposition is the Content-Disposition of content of type contentType named name:
// inline for images (shown in the browser), attachment otherwise (PDFs open in the
// reader's own viewer), with an ASCII filename for old clients and the real one as an
// RFC 5987 filename*.
func Disposition(contentType, name string) string {
	kind := "attachment"
	if strings.HasPrefix(contentType, "image/") {
		kind = "inline"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return kind + `; filename="` + ascii + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes every byte outside RFC 5987's attr-char.
func rfc5987(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
