package org

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Exports: the columns a list becomes in Excel, shared by the API and the pages.
var (
	orgExport = api.Export[Org]{Name: "org.export.orgs", Columns: []api.Column[Org]{
		{Header: "common.code", Value: func(o Org) any { return o.Code }, Width: 16},
		{Header: "common.name", Value: func(o Org) any { return o.Name }, Width: 28},
		{Header: "org.field.kind", Value: func(o Org) any { return i18n.Key("org.kind." + o.Kind) }, Width: 10},
		{Header: "org.field.category", Value: func(o Org) any { return i18n.Key("org.category." + o.Category) }, Width: 12},
		{Header: "org.field.parent", Value: func(o Org) any { return o.ParentName }, Width: 24},
		{Header: "org.field.children", Value: func(o Org) any { return o.Children }, Width: 10},
		{Header: "org.field.grids", Value: func(o Org) any { return o.Grids }, Width: 10},
		{Header: "org.field.phone", Value: func(o Org) any { return o.Phone }, Width: 16},
		{Header: "org.field.address", Value: func(o Org) any { return o.Address }, Width: 30},
	}}
	gridExport = api.Export[Grid]{Name: "org.export.grids", Columns: []api.Column[Grid]{
		{Header: "org.field.grid_code", Value: func(g Grid) any { return g.Code }, Width: 20},
		{Header: "org.field.grid_name", Value: func(g Grid) any { return g.Name }, Width: 24},
		{Header: "org.field.town", Value: func(g Grid) any { return g.TownName }, Width: 16},
		{Header: "org.field.village", Value: func(g Grid) any { return g.VillageName }, Width: 18},
		{Header: "org.field.patroller", Value: func(g Grid) any { return g.PatrollerName }, Width: 12},
		{Header: "org.field.patroller_phone", Value: func(g Grid) any { return g.PatrollerPhone }, Width: 16},
		{Header: "org.field.description", Value: func(g Grid) any { return g.Description }, Width: 30},
	}}
	personExport = api.Export[Person]{Name: "org.export.people", Columns: []api.Column[Person]{
		{Header: "org.field.person_name", Value: func(p Person) any { return p.Name }, Width: 12},
		{Header: "org.field.org", Value: func(p Person) any { return p.OrgName }, Width: 24},
		{Header: "org.field.posts", Value: func(p Person) any { return p.PostsText }, Width: 40},
		{Header: "org.field.in_charge", Value: func(p Person) any { return i18n.Industries(p.InCharge) }, Width: 30},
		{Header: "org.field.phone", Value: func(p Person) any { return p.Phone }, Width: 16},
	}}
)

// Routes registers the capability's API routes and pages.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/orgs", ID: "listOrgs", Tag: "org", Summary: "List organization tree nodes in scope",
		Params: OrgFilter{}, Response: Org{}, List: true, Sorts: orgSorting.Fields(), Handler: api.ListHandler(orgSorting, orgExport, m.ListOrgs)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/orgs/{id}", ID: "getOrg", Tag: "org", Summary: "Get one organization node",
		Object: "org", Response: Org{}, Handler: m.apiGetOrg})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/orgs", ID: "createOrg", Tag: "org", Summary: "Create an organization node",
		Perm: &PermWrite, Body: OrgInput{}, Response: Org{}, Status: http.StatusCreated, Handler: api.NewHandler(m.CreateOrg, m.getOrg, "/api/v1/orgs/")})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/orgs/{id}", ID: "updateOrg", Tag: "org", Summary: "Update an organization node",
		Perm: &PermWrite, Object: "org", Body: OrgInput{}, Response: Org{}, Handler: api.ChangeHandler("org", m.UpdateOrg, m.getOrg)})

	r.Add(api.Route{Method: "GET", Path: "/api/v1/grids", ID: "listGrids", Tag: "org", Summary: "List grids in scope",
		Params: GridFilter{}, Response: Grid{}, List: true, Sorts: gridSorting.Fields(), Handler: api.ListHandler(gridSorting, gridExport, m.ListGrids)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/grids/{id}", ID: "getGrid", Tag: "org", Summary: "Get one grid",
		Object: "grid", Response: Grid{}, Handler: api.GetHandler("grid", m.getGrid)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/grids", ID: "createGrid", Tag: "org", Summary: "Create a grid in a village",
		Perm: &PermWrite, Body: GridInput{}, Response: Grid{}, Status: http.StatusCreated, Handler: api.NewHandler(m.CreateGrid, m.getGrid, "/api/v1/grids/")})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/grids/{id}", ID: "updateGrid", Tag: "org", Summary: "Update a grid's code, name or description",
		Perm: &PermWrite, Object: "grid", Body: GridInput{}, Response: Grid{}, Handler: api.ChangeHandler("grid", m.UpdateGrid, m.getGrid)})
	r.Add(api.Route{Method: "PUT", Path: "/api/v1/grids/{id}/patroller", ID: "setGridPatroller", Tag: "org", Summary: "Set or clear (null) a grid's patroller",
		Perm: &PermWrite, Object: "grid", Body: PatrollerInput{}, Response: Grid{}, Handler: api.ChangeHandler("grid", m.setPatroller, m.getGrid)})

	r.Add(api.Route{Method: "GET", Path: "/api/v1/people", ID: "listPeople", Tag: "org", Summary: "List people in scope (phones masked)",
		Params: PersonFilter{}, Response: Person{}, List: true, Sorts: personSorting.Fields(), Handler: api.ListHandler(personSorting, personExport, m.ListPeople)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/people/{id}", ID: "getPerson", Tag: "org", Summary: "Get one person; reveal=phone shows the full number (audited)",
		Object: "person", Params: revealParams{}, Response: Person{}, Handler: api.RevealHandler("person", PermContact, m.getPerson, m.RevealContact)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/people", ID: "createPerson", Tag: "org", Summary: "Create a person with posts and industries in charge",
		Perm: &PermWrite, Body: PersonInput{}, Response: Person{}, Status: http.StatusCreated, Handler: api.NewHandler(m.CreatePerson, m.getPerson, "/api/v1/people/")})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/people/{id}", ID: "updatePerson", Tag: "org", Summary: "Update a person; posts and in_charge replace the old ones",
		Perm: &PermWrite, Object: "person", Body: PersonInput{}, Response: Person{}, Handler: api.ChangeHandler("person", m.UpdatePerson, m.getPerson)})

	r.Add(api.Route{Method: "GET", Path: "/api/v1/industries", ID: "listIndustries", Tag: "org", Summary: "List industries (行业领域)",
		Response: Industry{}, List: true, Handler: m.apiListIndustries})
}

// revealParams documents the parameter api.RevealHandler reads.
type revealParams struct {
	Reveal string `query:"reveal" enum:"phone" doc:"phone: return the full phone number (needs org.contact; audited)"`
}

func (m *Module) apiGetOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "org")
	if err != nil {
		return err
	}
	if err := api.DecodeQuery(r, nil, false); err != nil {
		return err
	}
	o, err := m.GetOrg(r.Context(), m.DB, auth.FromContext(r.Context()).Scope, id)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, o)
}

// The readers of the record handlers (api.Reader): a record in the caller's scope, a
// person's phone masked.
func (m *Module) getOrg(ctx context.Context, p *auth.Principal, id db.ID) (Org, error) {
	return m.GetOrg(ctx, m.DB, p.Scope, id)
}

func (m *Module) getGrid(ctx context.Context, p *auth.Principal, id db.ID) (Grid, error) {
	return m.GetGrid(ctx, m.DB, p.Scope, id)
}

func (m *Module) getPerson(ctx context.Context, p *auth.Principal, id db.ID) (Person, error) {
	return m.GetPerson(ctx, m.DB, p.Scope, id, false)
}

// setPatroller applies a PUT …/patroller (api.ChangeHandler).
func (m *Module) setPatroller(ctx context.Context, p *auth.Principal, id db.ID, in PatrollerInput) error {
	return m.SetPatroller(ctx, p, id, in.PatrollerID)
}

// industryExport is the industries as a file: the code integrators match on, and the
// name in the reader's language.
var industryExport = api.Export[Industry]{Name: "org.export.industries", Columns: []api.Column[Industry]{
	{Header: "common.code", Value: func(i Industry) any { return i.Code }, Width: 22},
	{Header: "common.name", Value: func(i Industry) any { return i18n.Industry(i.Code) }, Width: 24},
}}

// apiListIndustries answers the whole (short) list: as JSON, or as a file with format.
func (m *Module) apiListIndustries(w http.ResponseWriter, r *http.Request) error {
	if err := api.DecodeQuery(r, nil, true); err != nil {
		return err
	}
	lp, err := api.ParseList(r, api.Sorting{})
	if err != nil {
		return err
	}
	items, err := m.ListIndustries(r.Context())
	if err != nil {
		return err
	}
	if lp.Format != "" {
		return industryExport.Write(w, r, lp.Format, func(each func(Industry) error) error {
			for _, i := range items {
				if err := each(i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return api.JSON(w, http.StatusOK, api.Page[Industry]{Items: items, Total: len(items), Page: 1, PerPage: len(items)})
}
