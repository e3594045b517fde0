package hazard

import (
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// reportView is the data of the report form (上报隐患), made for a patroller's phone:
// one column, big touch targets, the camera one tap away.
type reportView struct {
	Mine    []Choice      // the grids the reporter patrols
	Groups  []ChoiceGroup // the other grids, by village
	TooMany bool          // the scope has too many grids: pick a town first
	Towns   []Choice      // the towns to pick from when TooMany (or a town was picked)
	TownID  string

	Industries   []string
	Categories   []string
	Sources      []string
	ChooseSource bool // the reporter's role may register other sources than its own

	// Enterprise is where the hazard is, when the form was opened for an enterprise
	// (?enterprise_id=, e.g. from the enterprise's page): its grid is then fixed.
	Enterprise *EnterpriseRef
	// FixEnterprise asks for that: the form's enterprise_id is the page's enterprise,
	// not a choice of the enterprise field.
	FixEnterprise bool
	// EntChoices are the enterprise field's choices otherwise.
	EntChoices enterpriseChoices

	Form    *web.Form // the values shown; a refused form's errors
	Carried []db.ID   // photos a refused form had already stored
}

func (m *Module) reportPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		v := url.Values{"grade": {General}, "source": {defaultSource(p)}}
		for _, k := range []string{"town_id", "grid_id", "enterprise_id"} {
			if s := r.URL.Query().Get(k); s != "" {
				v.Set(k, s)
			}
		}
		return m.renderReport(w, r, s, t, http.StatusOK, reportView{Form: web.NewForm(v), FixEnterprise: v.Get("enterprise_id") != ""})
	}
}

// renderReport fills the form's choices and renders it.
func (m *Module) renderReport(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v reportView) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	town := v.Form.ID("town_id")
	if town != nil {
		v.TownID = town.String()
	}
	var err error
	if id, perr := db.ParseID(v.Form.Get("enterprise_id")); perr == nil && m.Enterprises != nil && v.FixEnterprise {
		ent, err := m.Enterprises.Enterprise(ctx, m.DB, p.Scope, id)
		switch {
		case err == nil:
			v.Enterprise = &ent
			v.Form.Values.Set("grid_id", ent.GridID.String())
			if v.Form.Get("industry") == "" {
				v.Form.Values.Set("industry", ent.Industry)
			}
		case !apperr.Is(err, apperr.NotFound):
			return err
		}
	}
	if v.Mine, v.Groups, v.TooMany, err = m.GridChoices(ctx, p, town); err != nil {
		return err
	}
	if v.TooMany || town != nil {
		if v.Towns, err = m.placeChoices(ctx, p.Scope, "town", nil); err != nil {
			return err
		}
	}
	if v.Form.Get("grid_id") == "" { // the patroller's first grid, or the only grid there is
		switch {
		case len(v.Mine) > 0:
			v.Form.Values.Set("grid_id", v.Mine[0].ID.String())
		case len(v.Groups) == 1 && len(v.Groups[0].Choices) == 1:
			v.Form.Values.Set("grid_id", v.Groups[0].Choices[0].ID.String())
		}
	}
	if v.Enterprise == nil {
		if v.EntChoices, err = m.enterpriseChoicesFor(ctx, p, v.Form.ID("grid_id"), v.Form.Get("ent_q"), v.Form.Get("enterprise_id")); err != nil {
			return err
		}
	}
	if v.Industries, err = m.Industries(ctx, p.Scope); err != nil {
		return err
	}
	v.Categories, v.Sources = Categories, Sources
	v.ChooseSource = sourceAllowed(p, "campaign")
	return s.RenderStatus(w, r, status, t.report, v)
}

// reportSubmit registers the hazard and shows it; a refused form comes back as typed,
// with the photos it had already stored.
func (m *Module) reportSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		form, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		var in ReportInput
		err = form.Decode(&in)
		in.Photos = form.Files[fileField]
		var id db.ID
		if err == nil {
			id, err = m.Report(ctx, p, in)
		}
		return form.Done(w, r, err, "flash.hazard_reported", "/hazards/"+id.String(), func() error {
			return m.renderReport(w, r, s, t, form.Status,
				reportView{Form: form, Carried: form.Files[fileField], FixEnterprise: form.Get("enterprise_fixed") != ""})
		})
	}
}
