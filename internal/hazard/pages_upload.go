package hazard

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Uploader stores one file sent with a page form for actor and returns its attachment
// id. The attachment capability implements it (wired through UploadFunc in app.Wire);
// its errors are the attachment's: TooLarge, Unsupported, Invalid, BadRequest.
type Uploader interface {
	Upload(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error)
}

// UploadFunc adapts a function to Uploader.
type UploadFunc func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error)

// Upload calls f.
func (f UploadFunc) Upload(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error) {
	return f(ctx, actor, name, body)
}

// Limits of a page form with files. Each file's own size and type are checked by the
// Uploader as it streams; these bound the form as a whole.
const (
	maxFormFiles  = 20        // files in one form
	maxFormBytes  = 200 << 20 // the whole body
	maxFieldBytes = 64 << 10  // one text field
	maxFormFields = 200       // text fields in one form
)

// fileField is the name of the file inputs of every page form; attachField carries the
// ids of files already stored (by an earlier, refused submission of the same form).
const (
	fileField   = "files"
	attachField = "attachments"
)

// pageForm is a submitted page form: its text fields and the attachments its files
// became.
type pageForm struct {
	Values url.Values
	// Files are the attachment ids of the form: carried over from an earlier submission,
	// then the files of this one, in order.
	Files []db.ID
	// Refused holds one localized message per file the Uploader refused; the form is
	// then shown again, with the files that were stored kept.
	Refused []string
}

// readForm reads a page form, url-encoded or multipart. The files of a multipart form
// are stored one by one as they stream in (nothing is buffered on disk twice); a file the
// Uploader refuses (too large, not a photo or PDF) is reported in Refused, not as an
// error, so the person keeps what they typed. A malformed body is BadRequest; more than
// maxFormBytes is TooLarge.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (pageForm, error) {
	f := pageForm{Values: url.Values{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return f, apperr.New(apperr.BadRequest, "error.bad_request", nil)
		}
		f.Values = r.PostForm
		return f, f.carried()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return f, apperr.New(apperr.BadRequest, "error.bad_request", nil)
	}
	p := auth.FromContext(r.Context())
	loc := i18n.FromContext(r.Context())
	files, fields := 0, 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, formErr(err)
		}
		name := part.FormName()
		if name == fileField {
			if part.FileName() == "" { // an empty file input still sends a part
				if _, err := io.Copy(io.Discard, part); err != nil {
					return f, formErr(err)
				}
				continue
			}
			if files++; files > maxFormFiles {
				return f, apperr.New(apperr.TooLarge, "hazard.too_many_files", apperr.E{"max": maxFormFiles})
			}
			if err := m.storeFile(r.Context(), p, loc, part.FileName(), part, &f); err != nil {
				return f, err
			}
			continue
		}
		if fields++; fields > maxFormFields {
			return f, apperr.New(apperr.BadRequest, "error.bad_request", nil)
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return f, formErr(err)
		}
		if len(b) > maxFieldBytes {
			return f, apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": "64 KiB"})
		}
		f.Values.Add(name, string(b))
	}
	// Carried ids come after the parts are read, but belong before the new files.
	newFiles := f.Files
	f.Files = nil
	if err := f.carried(); err != nil {
		return f, err
	}
	f.Files = append(f.Files, newFiles...)
	return f, nil
}

// storeFile hands one file part to the Uploader. A refusal about the file itself is
// recorded in f.Refused; anything else (a broken body, a failing store) is returned.
func (m *Module) storeFile(ctx context.Context, p *auth.Principal, loc i18n.Localizer, name string, body io.Reader, f *pageForm) error {
	if m.Uploader == nil {
		f.Refused = append(f.Refused, loc.T("hazard.file_refused", "name", name, "reason", loc.T("hazard.uploads_unavailable")))
		_, err := io.Copy(io.Discard, body)
		return formErr(err)
	}
	id, err := m.Uploader.Upload(ctx, p, name, body)
	if err == nil {
		f.Files = append(f.Files, id)
		return nil
	}
	e := apperr.As(err)
	switch e.Code {
	case apperr.TooLarge, apperr.Unsupported, apperr.Invalid:
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return formErr(err) // the whole form is too large, not this file
		}
		reason := loc.TArgs(e.Key, e.Args)
		if len(e.Fields) > 0 {
			reason = loc.TArgs(e.Fields[0].Key, e.Fields[0].Args)
		}
		f.Refused = append(f.Refused, loc.T("hazard.file_refused", "name", name, "reason", reason))
		if _, err := io.Copy(io.Discard, body); err != nil { // the rest of a refused file
			return formErr(err)
		}
		return nil
	}
	return err
}

// carried reads the ids of files stored by an earlier submission of the form.
func (f *pageForm) carried() error {
	for _, raw := range f.Values[attachField] {
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := db.ParseID(s)
			if err != nil {
				v := apperr.Validation{}
				v.Add(attachField, "validate.id", nil)
				return v.Err()
			}
			f.Files = append(f.Files, id)
		}
	}
	return nil
}

// formErr classifies a failure to read the form body.
func formErr(err error) error {
	if err == nil {
		return nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": "200 MiB"})
	}
	return apperr.Wrap(err, apperr.BadRequest, "error.bad_request")
}

// idField parses an id field of a form; "" is nil, a malformed id a field error.
func idField(vals url.Values, name string, v *apperr.Validation) *db.ID {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return nil
	}
	id, err := db.ParseID(s)
	if err != nil {
		v.Add(name, "validate.id", nil)
		return nil
	}
	return &id
}

// UploaderOf makes an Uploader of a store's create function (the attachment module's
// Create) and a function reading the id of what it returns, so the wiring needs no
// adapter type.
func UploaderOf[T any](create func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (T, error), id func(T) db.ID) Uploader {
	return UploadFunc(func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error) {
		v, err := create(ctx, actor, name, body)
		if err != nil {
			return 0, err
		}
		return id(v), nil
	})
}
