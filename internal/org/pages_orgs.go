package org

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// nodeView is what the tree browser shows of one node.
type nodeView struct {
	Org         Org
	Crumbs      []Org // ancestors inside the caller's scope, root first
	IsRoot      bool  // the caller's territorial root (/orgs)
	Territory   []Org // child towns or villages
	Units       []Org // child units (bodies, departments, town governments)
	People      []Person
	PeopleTotal int
	Grids       []Grid // a village's grids
	GridsTotal  int
	GridsURL    string // the grid list filtered to this node
	CanEdit     bool
}

// nodePeopleLimit is how many people a node page lists before linking to the full list.
const nodePeopleLimit = 20

func (m *Module) orgRootPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, ok := rootID(auth.FromContext(r.Context()).Scope)
		if !ok {
			return apperr.NotFoundf("org")
		}
		return m.renderNode(w, r, s, t, id, true)
	}
}

func (m *Module) orgPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "org")
		if err != nil {
			return err
		}
		root, _ := rootID(auth.FromContext(r.Context()).Scope)
		return m.renderNode(w, r, s, t, id, id == root)
	}
}

func (m *Module) renderNode(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, id db.ID, isRoot bool) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	o, err := m.GetOrg(ctx, m.DB, p.Scope, id)
	if err != nil {
		return err
	}
	v := nodeView{Org: o, IsRoot: isRoot, CanEdit: p.Can(PermWrite)}
	if v.Crumbs, err = m.Ancestors(ctx, p.Scope, o); err != nil {
		return err
	}
	children, err := m.children(ctx, p.Scope, id)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Kind == KindUnit {
			v.Units = append(v.Units, c)
		} else {
			v.Territory = append(v.Territory, c)
		}
	}
	v.PeopleTotal, err = m.ListPeople(ctx, p.Scope, PersonFilter{OrgID: &id}, api.ListParams{Page: 1, PerPage: nodePeopleLimit, Sort: "rank"},
		func(pe Person) error { v.People = append(v.People, pe); return nil })
	if err != nil {
		return err
	}
	switch o.Kind {
	case KindVillage:
		v.GridsTotal, err = m.ListGrids(ctx, p.Scope, GridFilter{VillageID: &id}, api.ListParams{Page: 1, PerPage: web.PageSize, Sort: "code"},
			func(g Grid) error { v.Grids = append(v.Grids, g); return nil })
		if err != nil {
			return err
		}
		q := url.Values{"village_id": {id.String()}}
		if o.ParentID != nil {
			q.Set("town_id", o.ParentID.String())
		}
		v.GridsURL = "/grids?" + q.Encode()
	case KindTown:
		v.GridsURL = "/grids?town_id=" + id.String()
	case KindDistrict:
		v.GridsURL = "/grids"
	}
	return s.Render(w, r, t.node, v)
}

// children returns the direct children of id in scope, by sort order then code.
func (m *Module) children(ctx context.Context, sc auth.Scope, id db.ID) ([]Org, error) {
	var out []Org
	_, err := m.ListOrgs(ctx, sc, OrgFilter{ParentID: &id}, api.ListParams{Sort: "code"}, func(o Org) error {
		out = append(out, o)
		return nil
	})
	slices.SortStableFunc(out, func(a, b Org) int {
		return cmp.Or(cmp.Compare(a.SortOrder, b.SortOrder), cmp.Compare(a.Code, b.Code))
	})
	return out, err
}

// orgChildrenPage answers the tree's "expand" button (htmx) with a node's children; a
// plain visit goes to the node's page instead.
func (m *Module) orgChildrenPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "org")
		if err != nil {
			return err
		}
		sc := auth.FromContext(r.Context()).Scope
		if _, err := m.GetOrg(r.Context(), m.DB, sc, id); err != nil {
			return err
		}
		if r.Header.Get("HX-Request") != "true" {
			http.Redirect(w, r, "/orgs/"+id.String(), http.StatusSeeOther)
			return nil
		}
		children, err := m.children(r.Context(), sc, id)
		if err != nil {
			return err
		}
		return s.Render(w, r, t.children, children)
	}
}

// editView is the edit page's data.
type editView struct {
	Org        Org
	Form       *web.Form  // as loaded, or as typed
	Industries []Industry // the choices, for departments
}

func (m *Module) orgEditPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, o, err := web.PathRecord(r, "org", func(id db.ID) (Org, error) {
			return m.GetOrg(r.Context(), m.DB, auth.FromContext(r.Context()).Scope, id)
		})
		if err != nil {
			return err
		}
		f := web.NewForm(url.Values{"name": {o.Name}, "short_name": {o.ShortName}, "code": {o.Code}, "sort_order": {strconv.Itoa(o.SortOrder)},
			"phone": {o.Phone}, "address": {o.Address}, "industries": o.Industries})
		return m.renderEdit(w, r, s, t, http.StatusOK, editView{Org: o, Form: f})
	}
}

func (m *Module) renderEdit(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v editView) error {
	if v.Org.Category == "department" {
		inds, err := m.ListIndustries(r.Context())
		if err != nil {
			return err
		}
		v.Industries = inds
	}
	return s.RenderStatus(w, r, status, t.edit, v)
}

// orgUpdatePage saves the edit form: on success back to the node with a flash, on
// refusal the form again with the field errors (422).
func (m *Module) orgUpdatePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		id, o, f, err := web.RecordForm(r, "org", func(id db.ID) (Org, error) { return m.GetOrg(r.Context(), m.DB, p.Scope, id) })
		if err != nil {
			return err
		}
		var in OrgInput
		if err = f.Decode(&in); err != nil { // with the store's own rules, so one round shows all
			v := in.validate(false, o.Kind)
			for _, fe := range apperr.As(err).Fields {
				v.Add(fe.Field, fe.Key, fe.Args)
			}
			err = v.Err()
		}
		switch {
		case o.Category != "department":
			in.Industries = nil
		case in.Industries == nil: // none ticked
			in.Industries = &[]string{}
		}
		if err == nil {
			err = m.UpdateOrg(r.Context(), p, id, in)
		}
		return f.Done(w, r, err, "flash.org_saved", "/orgs/"+id.String(), func() error {
			return m.renderEdit(w, r, s, t, f.Status, editView{Org: o, Form: f})
		})
	}
}
