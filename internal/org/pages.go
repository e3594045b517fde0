package org

import (
	"html/template"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

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
	s.AddNav(web.NavItem{Key: "org.nav.orgs", Path: "/orgs", Icon: "tree", Order: 30, Visible: notEnterprise})
	s.AddNav(web.NavItem{Key: "org.nav.grids", Path: "/grids", Icon: "grid", Order: 31, Visible: notEnterprise})
	s.AddNav(web.NavItem{Key: "org.nav.people", Path: "/people", Icon: "people", Order: 32, Visible: notEnterprise})

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
