package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// A page form goes one way, whichever capability it belongs to:
//
//	f, err := web.PostedForm(r)          // or ReadForm, for a form with files
//	if err != nil { return err }         // a body that is not a form: an error page
//	var in hazard.ReportInput
//	err = f.Decode(&in)                  // `form:"…"` tags on the struct the API decodes
//	if err == nil { id, err = m.Report(ctx, p, in) }
//	return f.Done(w, r, err, "flash.hazard_reported", "/hazards/"+id.String(), func() error {
//		return s.RenderStatus(w, r, f.Status, t.form, view{Form: f, …}) // refused: at the form's own address
//	})
//
// The template shows f.Get "name" in each control, f.Error "name" under it, and
// {{template "form-errors" .Data.Form}} at the top: the summary lists every message as a
// link to its field (see summary.go). The CSRF token travels in the body (a multipart
// form's first part), never in the address.

// NewForm returns the state of a form about to be shown, filled with values (nil: empty).
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values, Files: map[string][]db.ID{}, Fields: map[string]string{}}
}

// PostedForm reads an url-encoded page form (parseForm) into a new Form; the CSRF token
// is dropped from its values, so a re-rendered form never shows it twice.
func PostedForm(r *http.Request) (*Form, error) {
	if err := parseForm(r); err != nil {
		return nil, err
	}
	f := NewForm(r.PostForm)
	f.Values.Del("csrf_token")
	return f, f.carried()
}

// Get returns the value of a field as typed (or as loaded for an edit).
func (f *Form) Get(name string) string { return f.Values.Get(name) }

// Has reports whether a multi-valued field (checkboxes, a multiple select) holds value.
func (f *Form) Has(name, value string) bool { return slices.Contains(f.Values[name], value) }

// Error returns the message of a refused field, or "".
func (f *Form) Error(name string) string { return f.Fields[name] }

// IsRefused reports whether a submission of the form was refused (it shows a summary).
func (f *Form) IsRefused() bool { return f.Status != 0 }

// Decode fills the struct dst points to from the form's `form`-tagged fields (the
// struct the API decodes from JSON, see api.DecodeValues). A value a field's type
// refuses is an Invalid error naming the field, as the service's own validation is, so
// both reach the person the same way; so is a file the Uploader refused (the error of
// CarriedField, which Refuse words as the files' names and reasons), so the service
// never runs without a file the person sent.
func (f *Form) Decode(dst any) error {
	v := apperr.Validation{}
	api.DecodeValues(f.Values, dst, "form", &v)
	if len(f.Refused) > 0 {
		v.Add(CarriedField, "form.files_refused", nil)
	}
	return v.Err()
}

// Done ends a form's handler: after success (err nil) it flashes flash (unless "") and
// redirects to to (303); a refusal of the input (Refuse) is answered by again, which
// renders the form with its state at the address it was posted to; any other error is
// returned, for the error page.
func (f *Form) Done(w http.ResponseWriter, r *http.Request, err error, flash, to string, again func() error) error {
	if err == nil {
		if flash != "" {
			SetFlash(w, flash)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	if !f.Refuse(r, err) {
		return err
	}
	return again()
}

// Refuse fills the form's messages from err, in the request's language, and the status
// it answers with (422 for invalid input, 409 for a conflict, 400 for a malformed
// value…); it returns false, leaving the form as it is, when err is not about the input
// (then the handler returns err and the person sees an error page).
func (f *Form) Refuse(r *http.Request, err error) bool {
	fields, msg, ok := FieldErrors(r, err)
	if !ok {
		return false
	}
	loc := i18n.FromContext(r.Context())
	for _, fe := range apperr.As(err).Fields {
		// A choice left empty is missing, not a value outside a list of codes.
		if fe.Key == "validate.one_of" && strings.TrimSpace(f.Values.Get(fe.Field)) == "" {
			fields[fe.Field] = loc.T("validate.required")
		}
	}
	if len(f.Refused) > 0 {
		fields[CarriedField] = strings.Join(f.Refused, loc.T("form.list_sep"))
	}
	f.Fields, f.Message, f.Status = fields, msg, apperr.Status(apperr.CodeOf(err))
	return true
}
