package org

import (
	"context"
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// gridsView is the grid list page's data.
type gridsView struct {
	web.ListPage
	Towns        []idOption // the towns in scope; the town filter shows when there are several
	Villages     []idOption // the villages of the chosen town (or of the caller's only town)
	TownID       string
	VillageID    string
	HasPatroller string
	QText        string
	Items        []Grid
}

func (m *Module) gridsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		sc := auth.FromContext(ctx).Scope
		var f GridFilter
		lp, l, err := web.ParseListPage(r, gridSorting, &f)
		if err != nil {
			return err
		}
		v := gridsView{ListPage: l, QText: f.Q}
		if v.Towns, err = m.orgOptions(ctx, sc, OrgFilter{Kind: KindTown}); err != nil {
			return err
		}
		// A village named without its town (an old link) brings its town along.
		if f.VillageID != nil && f.TownID == nil {
			if vo, err := m.GetOrg(ctx, m.DB, sc, *f.VillageID); err == nil && vo.Kind == KindVillage && vo.ParentID != nil && len(v.Towns) > 1 {
				f.TownID = vo.ParentID
				v.Q.Set("town_id", vo.ParentID.String())
				v.Export.Set("town_id", vo.ParentID.String())
			}
		}
		switch {
		case f.TownID != nil:
			v.Villages, err = m.orgOptions(ctx, sc, OrgFilter{Kind: KindVillage, Under: f.TownID})
		case len(v.Towns) <= 1:
			v.Villages, err = m.orgOptions(ctx, sc, OrgFilter{Kind: KindVillage})
		}
		if err != nil {
			return err
		}
		// After the town changes, a village of the old town no longer applies.
		if f.VillageID != nil && !hasOption(v.Villages, *f.VillageID) {
			f.VillageID = nil
			v.Q.Del("village_id")
			v.Export.Del("village_id")
		}
		v.TownID, v.VillageID = selectedID(f.TownID), selectedID(f.VillageID)
		if f.HasPatroller != nil {
			v.HasPatroller = map[bool]string{true: "true", false: "false"}[*f.HasPatroller]
		}
		total, err := m.ListGrids(ctx, sc, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.grids, v)
	}
}

// orgOptions lists the orgs in scope matching f as select entries, by code.
func (m *Module) orgOptions(ctx context.Context, sc auth.Scope, f OrgFilter) ([]idOption, error) {
	var out []idOption
	_, err := m.ListOrgs(ctx, sc, f, api.ListParams{Sort: "code"}, func(o Org) error {
		out = append(out, idOption{ID: o.ID, Name: o.Name})
		return nil
	})
	return out, err
}

func hasOption(opts []idOption, id db.ID) bool {
	for _, o := range opts {
		if o.ID == id {
			return true
		}
	}
	return false
}

// gridView is the grid detail page's data.
type gridView struct {
	Grid       Grid
	CanEdit    bool
	Candidates []Person  // the people of the grid's village, for the patroller form
	Form       *web.Form // the patroller form: the patroller it shows, or as chosen
}

func (m *Module) gridPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, g, err := web.PathRecord(r, "grid", func(id db.ID) (Grid, error) {
			return m.GetGrid(r.Context(), m.DB, auth.FromContext(r.Context()).Scope, id)
		})
		if err != nil {
			return err
		}
		return m.renderGrid(w, r, s, t, http.StatusOK, gridView{Grid: g, Form: web.NewForm(url.Values{"patroller_id": {selectedID(g.PatrollerID)}})})
	}
}

func (m *Module) renderGrid(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v gridView) error {
	p := auth.FromContext(r.Context())
	v.CanEdit = p.Can(PermWrite)
	if v.CanEdit {
		seen := false
		_, err := m.ListPeople(r.Context(), p.Scope, PersonFilter{OrgID: &v.Grid.VillageID}, api.ListParams{Sort: "name"}, func(pe Person) error {
			v.Candidates = append(v.Candidates, pe)
			seen = seen || (v.Grid.PatrollerID != nil && pe.ID == *v.Grid.PatrollerID)
			return nil
		})
		if err != nil {
			return err
		}
		if !seen && v.Grid.PatrollerID != nil { // a patroller from elsewhere stays selectable
			v.Candidates = append([]Person{{ID: *v.Grid.PatrollerID, Name: v.Grid.PatrollerName, Phone: v.Grid.PatrollerPhone}}, v.Candidates...)
		}
	}
	return s.RenderStatus(w, r, status, t.grid, v)
}

// gridPatrollerPage saves the patroller form (an empty choice clears the patroller).
func (m *Module) gridPatrollerPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		id, g, f, err := web.RecordForm(r, "grid", func(id db.ID) (Grid, error) { return m.GetGrid(r.Context(), m.DB, p.Scope, id) })
		if err != nil {
			return err
		}
		var in PatrollerInput
		err = f.Decode(&in)
		if _, sent := f.Values["patroller_id"]; !sent && err == nil { // the form always sends it ("" clears)
			v := apperr.Validation{}
			v.Add("patroller_id", "validate.required", nil)
			err = v.Err()
		}
		if err == nil {
			err = m.SetPatroller(r.Context(), p, id, in.PatrollerID)
		}
		return f.Done(w, r, err, "flash.patroller_saved", "/grids/"+id.String(), func() error {
			return m.renderGrid(w, r, s, t, f.Status, gridView{Grid: g, Form: f})
		})
	}
}
