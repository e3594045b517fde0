package hazard

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The hazard pages: the list with the three clears (pages_list.go), a hazard's detail
// with its history and the forms of the actions the caller may take (pages_detail.go,
// pages_actions.go), the phone-first report form (pages_report.go) and the home panels
// (pages_panels.go). Every page reads and writes through the same service methods as the
// API, with the caller's scope, so a hazard outside it answers the 404 page.

//go:embed templates/*.html
var templates embed.FS

//go:embed static/hazard.css
var stylesheet embed.FS

// pageTemplates are the parsed templates of the hazard pages.
type pageTemplates struct {
	list, detail, report     *template.Template
	entChoices, ownerChoices *template.Template // the partials htmx reloads
}

// Pages registers the hazard pages, the navigation entry (with the number of hazards
// waiting for the user), the home panels and the stylesheet of the hazard pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("hazard", stylesheet, "static/hazard.css")
	parts := "templates/parts.html"
	t := pageTemplates{
		list:         parse(s, "templates/hazards.html", parts),
		detail:       parse(s, "templates/hazard.html", "templates/hazard_forms.html", "templates/enterprise_field.html", parts),
		report:       parse(s, "templates/hazard_new.html", "templates/enterprise_field.html", parts),
		entChoices:   parse(s, "templates/enterprise_choices.html", "templates/enterprise_field.html", parts),
		ownerChoices: parse(s, "templates/owner_choices.html", "templates/hazard_forms.html", "templates/enterprise_field.html", parts),
	}
	s.AddNav(web.NavItem{Key: "hazard.nav", Path: "/hazards", Icon: "alert", Order: 10,
		Visible: func(p *auth.Principal) bool { return p.Scope.Path != "" },
		Badge: func(r *http.Request) int {
			n, _ := m.waiting(r.Context(), auth.FromContext(r.Context()))
			return n
		}})

	s.Handle(web.Page{Path: "/hazards", Handler: m.listPage(s, t)})
	s.Handle(web.Page{Path: "/hazards/new", Perm: &PermReport, Handler: m.reportPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/hazards", Perm: &PermReport, Handler: m.reportSubmit(s, t)})
	s.Handle(web.Page{Path: "/hazards/enterprise-choices", Perm: &PermReport, Handler: m.enterpriseChoicesPage(s, t)})
	s.Handle(web.Page{Path: "/hazards/{id}/owner-choices", Object: "hazard", Handler: m.ownerChoicesPage(s, t)})
	s.Handle(web.Page{Path: "/hazards/{id}", Object: "hazard", Handler: m.detailPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/hazards/{id}/actions", Object: "hazard", Handler: m.actionSubmit(s, t)})

	m.panels(s)
}

// parse parses page templates together with the layout, with the hazard pages' own
// template functions (which need no language); it panics on error (at start-up).
func parse(s *web.Site, files ...string) *template.Template {
	t := s.MustParse(templates) // the layout alone
	t.Funcs(template.FuncMap{
		// tone is the badge class of a status: neutral before assignment, info while the
		// loop runs, green once closed.
		"tone": func(st any) string {
			switch Status(fmt.Sprint(st)) {
			case Reported, "":
				return ""
			case Closed:
				return "badge-green"
			}
			return "badge-info"
		},
	})
	for _, f := range files {
		b, err := templates.ReadFile(f)
		if err != nil {
			panic(err)
		}
		template.Must(t.New(f).Parse(string(b)))
	}
	return t
}

// waiting counts the open hazards that wait for p: assigned to p and not yet submitted,
// submitted for the acceptance of p's unit, and, for a town, reported and not yet
// assigned. One query; errors count as nothing waiting (it is only a badge).
func (m *Module) waiting(ctx context.Context, p *auth.Principal) (int, error) {
	if p == nil || p.Scope.Path == "" {
		return 0, nil
	}
	var w db.Where
	scopeWhere(&w, p.Scope)
	cond := "(h.owner_id = ? AND h.status IN ('assigned', 'rectifying')) OR (h.supervisor_org_id = ? AND h.status = 'submitted')"
	args := []any{p.UserID, p.OrgID}
	if p.Has(auth.Town) {
		cond += " OR h.status = 'reported'"
	}
	w.Add("("+cond+")", args...)
	var n int
	err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM hazards h`+w.SQL(), w.Args()...).Scan(&n)
	return n, err
}

// scopeDepth is 1 for a district-wide scope, 2 for a town, 3 for a village.
func scopeDepth(p *auth.Principal) int { return len(auth.PathIDs(p.Scope.Path)) }

func hasAny(p *auth.Principal, roles ...auth.Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// idText is the decimal form of an optional id, or "".
func idText(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
