package org

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// peopleView is the people list page's data.
type peopleView struct {
	web.ListPage
	QText      string
	Industry   string
	OrgID      string
	Industries []Industry
	OrgGroups  []optGroup // units and villages people belong to, grouped by their parent
	Items      []Person
}

func (m *Module) peoplePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		sc := auth.FromContext(ctx).Scope
		var f PersonFilter
		lp, l, err := web.ParseListPage(r, personSorting, &f)
		if err != nil {
			return err
		}
		v := peopleView{ListPage: l, QText: f.Q, Industry: f.Industry, OrgID: selectedID(f.OrgID)}
		if v.Industries, err = m.ListIndustries(ctx); err != nil {
			return err
		}
		if v.OrgGroups, err = m.personOrgGroups(ctx, sc); err != nil {
			return err
		}
		total, err := m.ListPeople(ctx, sc, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.people, v)
	}
}

// personOrgGroups lists the units and villages in scope, grouped under their parent
// (the district's units first, then each town's), for the people filter.
func (m *Module) personOrgGroups(ctx context.Context, sc auth.Scope) ([]optGroup, error) {
	var orgs []Org
	_, err := m.ListOrgs(ctx, sc, OrgFilter{}, api.ListParams{Sort: "code"}, func(o Org) error {
		if o.Kind == KindUnit || o.Kind == KindVillage {
			orgs = append(orgs, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(orgs, func(a, b Org) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Code, b.Code))
	})
	var groups []optGroup
	index := map[db.ID]int{}
	for _, o := range orgs {
		var parent db.ID
		if o.ParentID != nil {
			parent = *o.ParentID
		}
		i, ok := index[parent]
		if !ok {
			i = len(groups)
			index[parent] = i
			groups = append(groups, optGroup{Label: o.ParentName})
		}
		groups[i].Options = append(groups[i].Options, idOption{ID: o.ID, Name: o.Name})
	}
	return groups, nil
}

// personView is the person detail page's data.
type personView struct {
	Person    Person
	Grids     []Grid // the grids this person patrols
	CanReveal bool
	Revealed  bool // the phone is shown in full (after an audited reveal)
}

func (m *Module) personPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "person")
		if err != nil {
			return err
		}
		if _, err := web.PostedForm(r); err != nil { // a confirm button: its token and body checked as every form's
			return err
		}
		pe, err := m.GetPerson(r.Context(), m.DB, auth.FromContext(r.Context()).Scope, id, false)
		if err != nil {
			return err
		}
		return m.renderPerson(w, r, s, t, pe, false)
	}
}

func (m *Module) renderPerson(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, pe Person, revealed bool) error {
	p := auth.FromContext(r.Context())
	v := personView{Person: pe, CanReveal: p.Can(PermContact), Revealed: revealed}
	_, err := m.ListGrids(r.Context(), p.Scope, GridFilter{PatrollerID: &pe.ID}, api.ListParams{Page: 1, PerPage: web.PageSize, Sort: "code"},
		func(g Grid) error { v.Grids = append(v.Grids, g); return nil })
	if err != nil {
		return err
	}
	return s.Render(w, r, t.person, v)
}

// personRevealPage shows a person's full phone number to a role allowed to see it; the
// store audits every reveal. With htmx only the phone line is replaced.
func (m *Module) personRevealPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "person")
		if err != nil {
			return err
		}
		pe, err := m.RevealContact(r.Context(), auth.FromContext(r.Context()), id)
		if err != nil {
			return err
		}
		return m.renderPerson(w, r, s, t, pe, true)
	}
}
