package enterprise

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The forms kept on an enterprise's file: a supervision visit, the outcome of an
// enforcement step, a document, an account. Each takes its form, calls the service and
// goes back to the file with a flash; a refused form comes back on the file as typed,
// unfolded, with its errors (422 for its fields, 409 when the state does not allow it).

// backToFile redirects to a section of an enterprise's file with a flash.
func backToFile(w http.ResponseWriter, r *http.Request, id db.ID, section, flash string) error {
	web.SetFlash(w, flash)
	http.Redirect(w, r, "/enterprises/"+id.String()+"#"+section, http.StatusSeeOther)
	return nil
}

// refuseOnFile shows the file again with a refused form; errors that are not about the
// input (404, 403, a failing store) are returned as they are.
func (m *Module) refuseOnFile(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, id db.ID, f *formState, err error,
	place func(v *detailView)) error {
	status, ok := f.refuse(r, err)
	if !ok {
		return err
	}
	e, gerr := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
	if gerr != nil {
		return gerr
	}
	var v detailView
	place(&v)
	return m.renderDetail(w, r, s, t, status, e, v)
}

// visitSubmit records a supervision visit (it resets the inspection clock).
func (m *Module) visitSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		f, err := postedForm(r)
		if err != nil {
			return err
		}
		in := VisitInput{VisitedAt: strings.TrimSpace(f.V.Get("visited_at")), Kind: f.V.Get("kind"), Note: f.V.Get("note")}
		if raw := strings.TrimSpace(f.V.Get("findings")); raw != "" {
			n, perr := strconv.Atoi(raw)
			if perr != nil {
				v := apperr.Validation{}
				v.Add("findings", "validate.int", nil)
				return m.refuseOnFile(w, r, s, t, id, f, v.Err(), func(v *detailView) { v.Visit = f })
			}
			in.Findings = n
		}
		if _, err = m.RecordVisit(r.Context(), auth.FromContext(r.Context()), id, in); err != nil {
			return m.refuseOnFile(w, r, s, t, id, f, err, func(v *detailView) { v.Visit = f })
		}
		return backToFile(w, r, id, "visits", "flash.ent_visit")
	}
}

// outcomeSubmit closes a pending enforcement step.
func (m *Module) outcomeSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := pathID(r, "id", "enforcement")
		if err != nil {
			return err
		}
		a, err := m.GetEnforcement(ctx, m.DB, p, id)
		if err != nil {
			return err
		}
		f, err := postedForm(r)
		if err != nil {
			return err
		}
		in := OutcomeInput{Outcome: strings.TrimSpace(f.V.Get("outcome")), Note: f.V.Get("note")}
		if in.Outcome == "" {
			v := apperr.Validation{}
			v.Add("outcome", "validate.required", nil)
			err = v.Err()
		} else {
			err = m.SetOutcome(ctx, p, id, in)
		}
		if err != nil {
			return m.refuseOnFile(w, r, s, t, a.EnterpriseID, f, err, func(v *detailView) {
				v.Outcome = map[string]*formState{id.String(): f}
				if len(f.Fields) == 0 { // the step's state refused it: say so above the page
					v.Error = f.Error
				}
			})
		}
		return backToFile(w, r, a.EnterpriseID, "enf-"+id.String(), "flash.ent_outcome")
	}
}

// accountSubmit creates an account bound to the enterprise (its safety manager).
func (m *Module) accountSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
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
		f, err := postedForm(r)
		if err != nil {
			return err
		}
		in := AccountInput{Username: strings.TrimSpace(f.V.Get("username")), DisplayName: strings.TrimSpace(f.V.Get("display_name")),
			Password: f.V.Get("password"), Lang: string(i18n.FromContext(r.Context()).Lang)}
		if _, err := m.CreateAccount(r.Context(), p, id, in); err != nil {
			f.V.Del("password")
			return m.refuseOnFile(w, r, s, t, id, f, err, func(v *detailView) { v.Account = f })
		}
		return backToFile(w, r, id, "accounts", "flash.ent_account")
	}
}

// documentSubmit keeps an uploaded file in the enterprise's file.
func (m *Module) documentSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		if _, err := m.writable(ctx, m.DB, p, id); err != nil {
			return err // 404 out of scope, 403 for a reader, before any file is stored
		}
		form, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		f := newForm()
		f.V = form.Values
		files := form.Files["files"]
		f.Carried = files
		in := DocumentInput{Title: f.V.Get("title"), Kind: f.V.Get("kind")}
		v := apperr.Validation{}
		switch {
		case len(form.Refused) > 0:
			v.Add("attachment_id", "ent.files_refused", nil)
		case len(files) == 0:
			v.Add("attachment_id", "validate.required", nil)
		case len(files) > 1:
			v.Add("attachment_id", "ent.one_file", nil)
		default:
			in.AttachmentID = files[0]
		}
		if err = v.Err(); err == nil {
			_, err = m.AddDocument(ctx, p, id, in)
		}
		if err != nil {
			return m.refuseOnFile(w, r, s, t, id, f, err, func(dv *detailView) {
				if len(form.Refused) > 0 {
					f.Fields["attachment_id"] = strings.Join(form.Refused, i18n.FromContext(ctx).T("ent.list_sep"))
				}
				dv.Document = f
			})
		}
		return backToFile(w, r, id, "documents", "flash.ent_document")
	}
}
