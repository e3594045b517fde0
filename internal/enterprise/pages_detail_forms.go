package enterprise

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The forms the file keeps of its own: a supervision visit, a document, an account. Each
// takes its form, calls the service and goes back to the file with a flash; a refused
// form comes back on the file as typed, unfolded, with its errors (422 for its fields,
// 409 when the state does not allow it). Other capabilities' forms on the file (the
// outcome of an enforcement step) come back through RenderFile.

// BackToFile redirects to a section of an enterprise's file with a flash: where a form
// posted from the file goes after success.
func BackToFile(w http.ResponseWriter, r *http.Request, id db.ID, section, flash string) error {
	web.SetFlash(w, flash)
	http.Redirect(w, r, "/enterprises/"+id.String()+"#"+section, http.StatusSeeOther)
	return nil
}

// refuseOnFile shows the file again with a refused form; errors that are not about the
// input (404, 403, a failing store) are returned as they are.
func (m *Module) refuseOnFile(w http.ResponseWriter, r *http.Request, id db.ID, f *web.Form, err error, place func(v *detailView)) error {
	if !f.Refuse(r, err) {
		return err
	}
	e, gerr := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
	if gerr != nil {
		return gerr
	}
	var v detailView
	place(&v)
	return m.renderDetail(w, r, f.Status, e, v, nil)
}

// visitSubmit records a supervision visit (it resets the inspection clock).
func (m *Module) visitSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	f, err := web.PostedForm(r)
	if err != nil {
		return err
	}
	var in VisitInput
	if err = f.Decode(&in); err == nil {
		_, err = m.RecordVisit(r.Context(), auth.FromContext(r.Context()), id, in)
	}
	if err != nil {
		return m.refuseOnFile(w, r, id, f, err, func(v *detailView) { v.Visit = f })
	}
	return BackToFile(w, r, id, "visits", "flash.ent_visit")
}

// accountSubmit creates an account bound to the enterprise (its safety manager).
func (m *Module) accountSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	if _, err := m.Get(r.Context(), m.DB, p, id, false); err != nil {
		return err // out of scope answers 404 before the role is looked at
	}
	if !canManageAccounts(p) {
		return apperr.Forbid()
	}
	f, err := web.PostedForm(r)
	if err != nil {
		return err
	}
	in := AccountInput{Lang: string(i18n.FromContext(r.Context()).Lang)}
	if err = f.Decode(&in); err == nil {
		_, err = m.CreateAccount(r.Context(), p, id, in)
	}
	if err != nil {
		f.Values.Del("password")
		return m.refuseOnFile(w, r, id, f, err, func(v *detailView) { v.Account = f })
	}
	return BackToFile(w, r, id, "accounts", "flash.ent_account")
}

// documentSubmit keeps an uploaded file in the enterprise's file.
func (m *Module) documentSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	if _, err := m.Writable(ctx, m.DB, p, id); err != nil {
		return err // 404 out of scope, 403 for a reader, before any file is stored
	}
	f, err := m.readForm(w, r)
	if err != nil {
		return err
	}
	var in DocumentInput
	err = f.Decode(&in)
	v := apperr.Validation{}
	switch files := f.Files["files"]; {
	case err != nil: // a refused file among them
	case len(files) == 0:
		v.Add("attachment_id", "validate.required", nil)
		err = v.Err()
	case len(files) > 1:
		v.Add("attachment_id", "ent.one_file", nil)
		err = v.Err()
	default:
		in.AttachmentID = files[0]
		_, err = m.AddDocument(ctx, p, id, in)
	}
	if err != nil {
		return m.refuseOnFile(w, r, id, f, err, func(dv *detailView) {
			if msg, ok := f.Fields[web.CarriedField]; ok { // the file field shows what became of the files
				f.Fields["attachment_id"] = msg
			}
			dv.Document = f
		})
	}
	return BackToFile(w, r, id, "documents", "flash.ent_document")
}
