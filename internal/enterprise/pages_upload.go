package enterprise

import (
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

// Page forms with files (an enforcement step's documents, a document of the file, the
// photos of a failed self-inspection item) post multipart with the CSRF token in the
// query, as the hazard pages do. Each file streams into the hazard capability's
// Uploader (the attachment store) as it arrives; a file the Uploader refuses is
// reported beside the form, not as an error, so the person keeps what they typed.

// Limits of a page form with files; each file's own size and type are the Uploader's.
const (
	maxFormFiles  = 20
	maxFormBytes  = 200 << 20
	maxFieldBytes = 64 << 10
	maxFormFields = 400
)

// carriedField carries the ids of files a refused submission of the form had stored.
const carriedField = "attachments"

// pageForm is a submitted page form: its text fields, the attachments its files became
// (by the name of their input), and one message per refused file.
type pageForm struct {
	Values  url.Values
	Files   map[string][]db.ID
	Refused []string
}

// readForm reads a page form, url-encoded or multipart. A malformed body is BadRequest;
// more than maxFormBytes is TooLarge.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (pageForm, error) {
	f := pageForm{Values: url.Values{}, Files: map[string][]db.ID{}}
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
		if part.FileName() != "" || name == "files" || strings.HasPrefix(name, "photo_") {
			if part.FileName() == "" { // an empty file input still sends a part
				if _, err := io.Copy(io.Discard, part); err != nil {
					return f, formErr(err)
				}
				continue
			}
			if files++; files > maxFormFiles {
				return f, apperr.New(apperr.TooLarge, "ent.too_many_files", apperr.E{"max": maxFormFiles})
			}
			if err := m.storeFile(r, p, loc, name, part.FileName(), part, &f); err != nil {
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
	return f, f.carried()
}

// storeFile hands one file part to the Uploader; a refusal about the file itself is
// recorded in f.Refused, anything else returned.
func (m *Module) storeFile(r *http.Request, p *auth.Principal, loc i18n.Localizer, field, name string, part io.Reader, f *pageForm) error {
	if m.Hazards == nil || m.Hazards.Uploader == nil {
		f.Refused = append(f.Refused, loc.T("ent.file_refused", "name", name, "reason", loc.T("ent.uploads_unavailable")))
		_, err := io.Copy(io.Discard, part)
		return formErr(err)
	}
	id, err := m.Hazards.Uploader.Upload(r.Context(), p, name, part)
	if err == nil {
		f.Files[field] = append(f.Files[field], id)
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
		f.Refused = append(f.Refused, loc.T("ent.file_refused", "name", name, "reason", reason))
		if _, err := io.Copy(io.Discard, part); err != nil {
			return formErr(err)
		}
		return nil
	}
	return err
}

// carried reads the ids of files stored by an earlier submission: the field
// "attachments" carries the form's files, "attachments_<field>" those of one input.
func (f *pageForm) carried() error {
	for key, raws := range f.Values {
		field, ok := strings.CutPrefix(key, carriedField)
		if !ok {
			continue
		}
		field = strings.TrimPrefix(field, "_")
		if field == "" {
			field = "files"
		}
		var ids []db.ID
		for _, raw := range raws {
			for _, s := range strings.Split(raw, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				id, err := db.ParseID(s)
				if err != nil {
					v := apperr.Validation{}
					v.Add(carriedField, "validate.id", nil)
					return v.Err()
				}
				ids = append(ids, id)
			}
		}
		f.Files[field] = append(ids, f.Files[field]...)
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
