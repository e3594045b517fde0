// Package home serves the home page: a greeting, the to-do card (web.TodoSource: what
// waits for the user, first) and the panels that capabilities contribute for the
// signed-in user's roles (a leader sees the district at a glance, a
// patroller their grids, the safety office the platform's state).
package home

import (
	"embed"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var templates embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Module serves the home page.
type Module struct {
	DB   *db.DB
	Site *web.Site
}

// Pages registers the home page and its navigation entry.
func (m *Module) Pages(s *web.Site) {
	page := s.MustParse(templates, "templates/home.html")
	s.AddNav(web.NavItem{Key: "nav.home", Path: "/", Icon: "home", Order: 0, Todo: true})
	s.Handle(web.Page{Path: "/{$}", Handler: func(w http.ResponseWriter, r *http.Request) error {
		panels, err := s.PanelsFor(r)
		if err != nil {
			return err
		}
		p := auth.FromContext(r.Context())
		return s.Render(w, r, page, homeData{Panels: panels, Greeting: greetingKey(p)})
	}})
}

type homeData struct {
	Panels   []web.HTML
	Greeting string
}

// greetingKey picks the home heading for the user's main role.
func greetingKey(p *auth.Principal) string {
	for _, r := range []auth.Role{auth.Leader, auth.SafetyOffice, auth.Admin, auth.Department, auth.Town, auth.Village, auth.Patroller, auth.Enterprise, auth.Reader} {
		if p.Has(r) {
			return "home.title." + string(r)
		}
	}
	return "home.title.default"
}
