package admin

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// pageSize is the number of rows a list page shows.
const pageSize = 50

// pageTemplates are the parsed templates of the administration pages.
type pageTemplates struct {
	users, userNew, userEdit, audit *template.Template
}

// Pages registers the administration pages (users, audit log), their navigation
// entries and the administrator's home panel.
func (m *Module) Pages(s *web.Site) {
	t := pageTemplates{
		users:    s.MustParse(templates, "templates/users.html", "templates/user_fields.html"),
		userNew:  s.MustParse(templates, "templates/user_new.html", "templates/user_fields.html"),
		userEdit: s.MustParse(templates, "templates/user_edit.html", "templates/user_fields.html"),
		audit:    s.MustParse(templates, "templates/audit.html", "templates/audit_rows.html"),
	}
	users, audit := &auth.PermUserAdmin, &auth.PermAuditRead
	s.AddNav(web.NavItem{Key: "admin.nav.users", Path: "/admin/users", Icon: "user", Order: 90, Perm: users})
	s.AddNav(web.NavItem{Key: "admin.nav.audit", Path: "/admin/audit", Icon: "log", Order: 91, Perm: audit})

	s.Handle(web.Page{Path: "/admin/users", Perm: users, Handler: m.usersPage(s, t)})
	s.Handle(web.Page{Path: "/admin/users/new", Perm: users, Handler: m.userNewPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/admin/users", Perm: users, Handler: m.userCreatePage(s, t)})
	s.Handle(web.Page{Path: "/admin/users/{id}", Perm: users, Object: "user", Handler: m.userEditPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/admin/users/{id}", Perm: users, Object: "user", Handler: m.userUpdatePage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/admin/users/{id}/password", Perm: users, Object: "user", Handler: m.userResetPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/admin/users/{id}/unlock", Perm: users, Object: "user", Handler: m.userUnlockPage(s, t)})
	s.Handle(web.Page{Path: "/admin/audit", Perm: audit, Handler: m.auditPage(s, t)})

	s.AddPanel(web.Panel{Order: 90,
		Visible:  func(p *auth.Principal) bool { return p.Can(auth.PermUserAdmin) },
		Template: s.MustParse(templates, "templates/panel_admin.html", "templates/audit_rows.html"),
		Data:     m.adminPanel,
	})
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
	q, ex := url.Values{}, url.Values{}
	for k, vs := range r.URL.Query() {
		if k == "per_page" || k == "format" || k == "lang" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
				if k != "page" {
					ex.Add(k, v)
				}
			}
		}
	}
	return lp, listPage{Q: q, Export: ex, Sort: lp.Sort, Page: lp.Page}, nil
}

// finish sets the total and the page count.
func (l *listPage) finish(total int) {
	l.Total = total
	l.Pages = (total + pageSize - 1) / pageSize
}
