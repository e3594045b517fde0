package enterprise

import (
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// formView is the data of the registration form (/enterprises/new) and the edit form
// (/enterprises/{id}/edit).
type formView struct {
	E *Enterprise // the enterprise being edited; nil when registering

	Form *web.Form // the values shown; a refused form's errors

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
		return m.renderForm(w, r, s, t, http.StatusOK, formView{Form: web.NewForm(v)})
	}
}

// editPage shows the edit form filled with the enterprise (its phone stays masked).
func (m *Module) editPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, e, err := web.PathRecord(r, "enterprise", func(id db.ID) (Enterprise, error) {
			return m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		})
		if err != nil {
			return err
		}
		v := url.Values{"name": {e.Name}, "credit_code": {e.CreditCode}, "industry": {e.Industry}, "grid_id": {e.GridID.String()},
			"address": {e.Address}, "scale": {e.Scale}, "legal_rep": {e.LegalRep}, "safety_manager": {e.SafetyManager},
			"standard_grade": {e.StandardGrade}, "status": {e.Status}, "town_id": {e.TownID.String()}}
		return m.renderForm(w, r, s, t, http.StatusOK, formView{E: &e, Form: web.NewForm(v)})
	}
}

// renderForm fills the form's choices and renders it.
func (m *Module) renderForm(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v formView) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	town := v.Form.ID("town_id")
	if town != nil {
		v.TownID = town.String()
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

// formChanges keeps of what the form sent what the person gave: an empty choice or
// phone is no value (the form never shows the phone in full); for an edit, only the
// fields that differ from e (so the audit log names what changed).
func formChanges(in *Input, e *Enterprise) {
	var cur Enterprise
	if e != nil {
		cur = *e
	}
	keep := func(p **string, cur string, choice bool) {
		if *p != nil && ((choice && **p == "") || (e != nil && **p == cur)) {
			*p = nil
		}
	}
	keep(&in.Name, cur.Name, false)
	keep(&in.CreditCode, cur.CreditCode, false)
	if in.CreditCode != nil && e != nil && NormalizeCreditCode(*in.CreditCode) == e.CreditCode {
		in.CreditCode = nil
	}
	keep(&in.Address, cur.Address, false)
	keep(&in.LegalRep, cur.LegalRep, false)
	keep(&in.SafetyManager, cur.SafetyManager, false)
	keep(&in.Industry, cur.Industry, true)
	keep(&in.Scale, cur.Scale, true)
	keep(&in.StandardGrade, cur.StandardGrade, true)
	keep(&in.Status, cur.Status, true)
	keep(&in.SafetyPhone, "", true)
	if e == nil {
		in.Status = nil
	} else if in.GridID != nil && *in.GridID == e.GridID {
		in.GridID = nil
	}
}

// createSubmit registers an enterprise and shows its file.
func (m *Module) createSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in Input
		err = f.Decode(&in)
		formChanges(&in, nil)
		var id db.ID
		if err == nil {
			id, err = m.Create(r.Context(), auth.FromContext(r.Context()), in)
		}
		return f.Done(w, r, err, "flash.ent_created", "/enterprises/"+id.String(), func() error {
			return m.renderForm(w, r, s, t, f.Status, formView{Form: f})
		})
	}
}

// updateSubmit saves the edit form and shows the file.
func (m *Module) updateSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, e, f, err := web.RecordForm(r, "enterprise", func(id db.ID) (Enterprise, error) { return m.Get(ctx, m.DB, p, id, false) })
		if err != nil {
			return err
		}
		var in Input
		if err = f.Decode(&in); err == nil {
			formChanges(&in, &e)
			err = m.Update(ctx, p, id, in)
		}
		return f.Done(w, r, err, "flash.ent_updated", "/enterprises/"+id.String(), func() error {
			return m.renderForm(w, r, s, t, f.Status, formView{E: &e, Form: f})
		})
	}
}
