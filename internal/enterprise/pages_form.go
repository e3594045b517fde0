package enterprise

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// formView is the data of the registration form (/enterprises/new) and the edit form
// (/enterprises/{id}/edit).
type formView struct {
	E *Enterprise // the enterprise being edited; nil when registering

	V      url.Values        // the values shown
	Fields map[string]string // per-field errors of a refused form
	Error  string

	Industries []string
	Mine       []hazard.Choice      // the grids the user patrols
	Groups     []hazard.ChoiceGroup // the grids of the scope (or of the picked town), by village
	TooMany    bool                 // the scope has too many grids: pick a town first
	Towns      []Choice
	TownID     string
}

// newPage shows the registration form (/enterprises/new).
func (m *Module) newPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := url.Values{"scale": {"small"}, "standard_grade": {"none"}}
		if id := r.URL.Query().Get("town_id"); id != "" {
			v.Set("town_id", id)
		}
		return m.renderForm(w, r, s, t, http.StatusOK, formView{V: v})
	}
}

// editPage shows the edit form filled with the enterprise (its phone stays masked).
func (m *Module) editPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		if err != nil {
			return err
		}
		v := url.Values{"name": {e.Name}, "credit_code": {e.CreditCode}, "industry": {e.Industry}, "grid_id": {e.GridID.String()},
			"address": {e.Address}, "scale": {e.Scale}, "legal_rep": {e.LegalRep}, "safety_manager": {e.SafetyManager},
			"standard_grade": {e.StandardGrade}, "status": {e.Status}, "town_id": {e.TownID.String()}}
		return m.renderForm(w, r, s, t, http.StatusOK, formView{E: &e, V: v})
	}
}

// renderForm fills the form's choices and renders it.
func (m *Module) renderForm(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v formView) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	var town *db.ID
	if id, err := db.ParseID(v.V.Get("town_id")); err == nil {
		town = &id
		v.TownID = id.String()
	}
	var err error
	if v.Mine, v.Groups, v.TooMany, err = m.Hazards.GridChoices(ctx, p, town); err != nil {
		return err
	}
	if v.TooMany || town != nil {
		if v.Towns, err = m.Towns(ctx, p.Scope); err != nil {
			return err
		}
	}
	if v.Industries, err = m.Industries(ctx, p.Scope); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.form, v)
}

// formInput reads the form into an Input: every field for a registration; for an edit,
// only the fields that differ from e (so the audit log names what changed). An empty
// phone leaves the stored one (the form never shows it in full).
func formInput(vals url.Values, e *Enterprise, v *apperr.Validation) Input {
	var in Input
	text := func(name, cur string) *string {
		s := strings.TrimSpace(vals.Get(name))
		if e != nil && s == cur {
			return nil
		}
		return &s
	}
	choice := func(name, cur string) *string {
		s := strings.TrimSpace(vals.Get(name))
		if s == "" || (e != nil && s == cur) {
			return nil
		}
		return &s
	}
	cur := Enterprise{}
	if e != nil {
		cur = *e
	}
	in.Name = text("name", cur.Name)
	in.CreditCode = text("credit_code", cur.CreditCode)
	if in.CreditCode != nil && e != nil && NormalizeCreditCode(*in.CreditCode) == e.CreditCode {
		in.CreditCode = nil
	}
	in.Address = text("address", cur.Address)
	in.LegalRep = text("legal_rep", cur.LegalRep)
	in.SafetyManager = text("safety_manager", cur.SafetyManager)
	in.Industry = choice("industry", cur.Industry)
	in.Scale = choice("scale", cur.Scale)
	in.StandardGrade = choice("standard_grade", cur.StandardGrade)
	if e != nil {
		in.Status = choice("status", cur.Status)
	}
	if phone := strings.TrimSpace(vals.Get("safety_phone")); phone != "" {
		in.SafetyPhone = &phone
	}
	if s := strings.TrimSpace(vals.Get("grid_id")); s != "" && (e == nil || s != e.GridID.String()) {
		id, err := db.ParseID(s)
		if err != nil {
			v.Add("grid_id", "validate.id", nil)
		} else {
			in.GridID = &id
		}
	}
	return in
}

// createSubmit registers an enterprise and shows its file.
func (m *Module) createSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := web.ParseForm(r); err != nil {
			return err
		}
		pv := apperr.Validation{}
		in := formInput(r.PostForm, nil, &pv)
		err := pv.Err()
		var id db.ID
		if err == nil {
			id, err = m.Create(r.Context(), auth.FromContext(r.Context()), in)
		}
		if err == nil {
			web.SetFlash(w, "flash.ent_created")
			http.Redirect(w, r, "/enterprises/"+id.String(), http.StatusSeeOther)
			return nil
		}
		return m.refuseForm(w, r, s, t, nil, err)
	}
}

// updateSubmit saves the edit form and shows the file.
func (m *Module) updateSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := api.PathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(ctx, m.DB, p, id, false)
		if err != nil {
			return err
		}
		if err := web.ParseForm(r); err != nil {
			return err
		}
		pv := apperr.Validation{}
		in := formInput(r.PostForm, &e, &pv)
		if err = pv.Err(); err == nil {
			err = m.Update(ctx, p, id, in)
		}
		if err == nil {
			web.SetFlash(w, "flash.ent_updated")
			http.Redirect(w, r, "/enterprises/"+id.String(), http.StatusSeeOther)
			return nil
		}
		return m.refuseForm(w, r, s, t, &e, err)
	}
}

// refuseForm shows the form again as typed with its errors.
func (m *Module) refuseForm(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, e *Enterprise, err error) error {
	fields, msg, ok := web.FieldErrors(r, err)
	if !ok {
		return err
	}
	vals := r.PostForm
	vals.Del("csrf_token")
	return m.renderForm(w, r, s, t, httpStatus(err), formView{E: e, V: vals, Fields: fields, Error: msg})
}
