package web

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
	"github.com/safeduty/safeduty/internal/platform/input"
)

// Uploader stores one file sent with a page form for actor and returns its attachment
// id. The attachment capability implements it (see UploaderOf); its errors are the
// attachment's: TooLarge, Unsupported, Invalid, BadRequest.
type Uploader interface {
	Upload(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error)
}

// UploadFunc adapts a function to Uploader.
type UploadFunc func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error)

// Upload calls f.
func (f UploadFunc) Upload(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error) {
	return f(ctx, actor, name, body)
}

// UploaderOf makes an Uploader of a store's create function and a function reading the
// id of what it returns, so the wiring needs no adapter type.
func UploaderOf[T any](create func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (T, error), id func(T) db.ID) Uploader {
	return UploadFunc(func(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (db.ID, error) {
		v, err := create(ctx, actor, name, body)
		if err != nil {
			return 0, err
		}
		return id(v), nil
	})
}

// Linker claims uploaded files for a record inside the record's transaction: the files
// take the record's place (its org path, industry and enterprise), so whoever may see
// the record may open them, and the sweep no longer removes them. The attachment
// capability implements it; every capability that keeps files takes one (with an
// Uploader for its page forms) from the wiring.
type Linker interface {
	Link(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, orgPath string, industry *string, enterprise *db.ID) error
}

// Limits of a page form with files; each file's own size and type are the Uploader's.
const (
	MaxFormFiles  = 20        // files in one form
	MaxFormBytes  = 200 << 20 // the whole body
	maxFieldBytes = 64 << 10  // one text field
	maxFormFields = 400       // text fields in one form
)

// CarriedField carries the ids of files a refused submission of the form had already
// stored, so nobody picks the same photos twice: "attachments" for the input "files",
// "attachments_<input>" for another input.
const CarriedField = "attachments"

// Form is a submitted page form: its text fields, the attachments its files became by
// the name of their input (carried ones first), and one message per refused file.
type Form struct {
	Values  url.Values
	Files   map[string][]db.ID
	Refused []string

	// A refused submission (see Refuse): each field's message and the summary line (or
	// the message of an error about no field), in the reader's language, and the status
	// the page answers with.
	Fields  map[string]string
	Message string
	Status  int
}

// parseForm parses an url-encoded page form into r.PostForm; a malformed body is
// BadRequest, and so is a field (or query parameter) that is not text: a NUL character
// or invalid UTF-8 (input.Text), named.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if input.IsTimeout(err) {
			return input.TimeoutErr(err)
		}
		return apperr.New(apperr.BadRequest, "error.bad_request", nil)
	}
	return notText(r.Form)
}

// notText refuses the fields of vals that are not text, naming them; a page that shows
// the error alone (no form to mark) says what is wrong in words.
func notText(vals url.Values) error {
	v := apperr.Validation{}
	if input.CheckValues(vals, &v); len(v.Fields) == 0 {
		return nil
	}
	e := apperr.As(v.Err())
	e.Code, e.Key = apperr.BadRequest, "input.form_not_text"
	return e
}

// ReadForm reads a page form, url-encoded or multipart (with the CSRF token in the
// query). Files stream into up one by one as they arrive (nothing is buffered twice); a
// file up refuses (too large, not a photo or PDF) is reported in Refused, not as an
// error, so the person keeps what they typed. isFile says which inputs are file inputs.
// A malformed body is BadRequest, and so is a field or a file name that is not text
// (named); more than MaxFormBytes is TooLarge. The CSRF token is dropped from the values,
// as PostedForm drops it.
func ReadForm(w http.ResponseWriter, r *http.Request, up Uploader, isFile func(input string) bool) (*Form, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return PostedForm(r)
	}
	f := NewForm(nil)
	defer f.Values.Del("csrf_token")
	if err := notText(r.URL.Query()); err != nil {
		return f, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
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
		input := part.FormName()
		if part.FileName() != "" || isFile(input) {
			if part.FileName() == "" { // an empty file input still sends a part
				if _, err := io.Copy(io.Discard, part); err != nil {
					return f, formErr(err)
				}
				continue
			}
			if files++; files > MaxFormFiles {
				return f, apperr.New(apperr.TooLarge, "form.too_many_files", apperr.E{"max": MaxFormFiles})
			}
			if err := notText(url.Values{input: {part.FileName()}}); err != nil {
				return f, err
			}
			if err := storeFile(r.Context(), up, p, loc, input, part.FileName(), part, f); err != nil {
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
		if err := notText(url.Values{input: {string(b)}}); err != nil {
			return f, err
		}
		f.Values.Add(input, string(b))
	}
	return f, f.carried()
}

// storeFile hands one file part to the Uploader; a refusal about the file itself is
// recorded in f.Refused, anything else (a broken body, a failing store) returned.
func storeFile(ctx context.Context, up Uploader, p *auth.Principal, loc i18n.Localizer, input, name string, body io.Reader, f *Form) error {
	if up == nil {
		f.Refused = append(f.Refused, loc.T("form.file_refused", "name", name, "reason", loc.T("form.uploads_unavailable")))
		_, err := io.Copy(io.Discard, body)
		return formErr(err)
	}
	id, err := up.Upload(ctx, p, name, body)
	if err == nil {
		f.Files[input] = append(f.Files[input], id)
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
		f.Refused = append(f.Refused, loc.T("form.file_refused", "name", name, "reason", reason))
		if _, err := io.Copy(io.Discard, body); err != nil { // the rest of a refused file
			return formErr(err)
		}
		return nil
	}
	return err
}

// carried puts the ids of files stored by an earlier submission before the new ones.
func (f *Form) carried() error {
	for key, raws := range f.Values {
		input, ok := strings.CutPrefix(key, CarriedField)
		if !ok {
			continue
		}
		input = strings.TrimPrefix(input, "_")
		if input == "" {
			input = "files"
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
					v.Add(key, "validate.id", nil)
					return v.Err()
				}
				ids = append(ids, id)
			}
		}
		f.Files[input] = append(ids, f.Files[input]...)
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
	if input.IsTimeout(err) {
		return input.TimeoutErr(err)
	}
	return apperr.Wrap(err, apperr.BadRequest, "error.bad_request")
}
