package org

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// pageSize is the number of rows a list page shows.
const pageSize = 50

// pageTemplates are the parsed templates of the organization pages.
type pageTemplates struct {
	node, children, edit, grids, grid, people, person *template.Template
}

// Pages registers the organization pages (tree, grids, people), their navigation
// entries and the home panels. Every page reads through the same store functions as the
// API, with the caller's scope, so a record outside it answers the 404 page.
func (m *Module) Pages(s *web.Site) {
	t := pageTemplates{
		node:     s.MustParse(templates, "templates/org.html", "templates/org_tree.html"),
		children: s.MustParse(templates, "templates/org_children.html", "templates/org_tree.html"),
		edit:     s.MustParse(templates, "templates/org_edit.html"),
		grids:    s.MustParse(templates, "templates/grids.html"),
		grid:     s.MustParse(templates, "templates/grid.html"),
		people:   s.MustParse(templates, "templates/people.html"),
		person:   s.MustParse(templates, "templates/person.html"),
	}
	notEnterprise := func(p *auth.Principal) bool {
		for _, r := range p.Roles {
			if r != auth.Enterprise {
				return true
			}
		}
		return false
	}
	s.AddNav(web.NavItem{Key: "org.nav.orgs", Path: "/orgs", Icon: "tree", Order: 20, Visible: notEnterprise})
	s.AddNav(web.NavItem{Key: "org.nav.grids", Path: "/grids", Icon: "grid", Order: 21, Visible: notEnterprise})
	s.AddNav(web.NavItem{Key: "org.nav.people", Path: "/people", Icon: "people", Order: 22, Visible: notEnterprise})

	s.Handle(web.Page{Path: "/orgs", Handler: m.orgRootPage(s, t)})
	s.Handle(web.Page{Path: "/orgs/{id}", Object: "org", Handler: m.orgPage(s, t)})
	s.Handle(web.Page{Path: "/orgs/{id}/children", Object: "org", Handler: m.orgChildrenPage(s, t)})
	s.Handle(web.Page{Path: "/orgs/{id}/edit", Object: "org", Perm: &PermWrite, Handler: m.orgEditPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/orgs/{id}", Object: "org", Perm: &PermWrite, Handler: m.orgUpdatePage(s, t)})

	s.Handle(web.Page{Path: "/grids", Handler: m.gridsPage(s, t)})
	s.Handle(web.Page{Path: "/grids/{id}", Object: "grid", Handler: m.gridPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/grids/{id}/patroller", Object: "grid", Perm: &PermWrite, Handler: m.gridPatrollerPage(s, t)})

	s.Handle(web.Page{Path: "/people", Handler: m.peoplePage(s, t)})
	s.Handle(web.Page{Path: "/people/{id}", Object: "person", Handler: m.personPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/people/{id}/reveal", Object: "person", Perm: &PermContact, Handler: m.personRevealPage(s, t)})

	m.panels(s)
}

// listPage holds what a list page's header links, sort headers and pager need.
type listPage struct {
	Q      url.Values // the request's non-empty query parameters
	Export url.Values // the same without paging, for the export links
	Sort   string
	Page   int
	Pages  int
	Total  int
}

// parseListPage decodes a list page's filters into filter (the API's own filter struct,
// so the page's query string is also a valid API query) and its paging and sorting.
func parseListPage(r *http.Request, s api.Sorting, filter any) (api.ListParams, listPage, error) {
	if err := api.DecodeQuery(r, filter, true); err != nil {
		return api.ListParams{}, listPage{}, err
	}
	lp, err := api.ParseList(r, s)
	if err != nil {
		return api.ListParams{}, listPage{}, err
	}
	lp.PerPage, lp.Format = pageSize, ""
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if k == "per_page" || k == "format" || k == "lang" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	ex := url.Values{}
	for k, vs := range q {
		if k != "page" {
			ex[k] = vs
		}
	}
	return lp, listPage{Q: q, Export: ex, Sort: lp.Sort, Page: lp.Page}, nil
}

// finish sets the total and the page count.
func (l *listPage) finish(total int) {
	l.Total = total
	l.Pages = (total + pageSize - 1) / pageSize
}

// idOption is one entry of a select.
type idOption struct {
	ID   db.ID
	Name string
}

// optGroup is a labelled group of select entries.
type optGroup struct {
	Label   string
	Options []idOption
}

// selectedID returns the decimal form of a filter id, or "".
func selectedID(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

// rootID is the id of the caller's territorial root: the last node of the scope path.
func rootID(sc auth.Scope) (db.ID, bool) {
	ids := auth.PathIDs(sc.Path)
	if len(ids) == 0 {
		return 0, false
	}
	return ids[len(ids)-1], true
}
