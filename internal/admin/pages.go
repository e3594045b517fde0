package admin

import (
	"html/template"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// pageTemplates are the parsed templates of the administration pages.
type pageTemplates struct {
	users, userNew, userEdit, personOptions, audit *template.Template
}

// Pages registers the administration pages (users, audit log), their navigation
// entries and the administrator's home panel.
func (m *Module) Pages(s *web.Site) {
	t := pageTemplates{
		users:         s.MustParse(templates, "templates/users.html", "templates/user_fields.html"),
		userNew:       s.MustParse(templates, "templates/user_new.html", "templates/user_fields.html"),
		userEdit:      s.MustParse(templates, "templates/user_edit.html", "templates/user_fields.html"),
		personOptions: s.MustParse(templates, "templates/person_options.html", "templates/user_fields.html"),
		audit:         s.MustParse(templates, "templates/audit.html", "templates/audit_rows.html"),
	}
	users, audit := &auth.PermUserAdmin, &auth.PermAuditRead
	s.AddNav(web.NavItem{Key: "admin.nav.users", Path: "/admin/users", Icon: "user", Order: 90, Perm: users})
	s.AddNav(web.NavItem{Key: "admin.nav.audit", Path: "/admin/audit", Icon: "log", Order: 91, Perm: audit, Visible: readsAudit})

	s.Handle(web.Page{Path: "/admin/users", Perm: users, Handler: m.usersPage(s, t)})
	s.Handle(web.Page{Path: "/admin/users/new", Perm: users, Handler: m.userNewPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/admin/users", Perm: users, Handler: m.userCreatePage(s, t)})
	s.Handle(web.Page{Path: "/admin/users/people", Perm: users, Handler: m.userPeoplePage(s, t)})
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
