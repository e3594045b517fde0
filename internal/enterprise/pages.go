package enterprise

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The enterprise pages (企业 · 三色管理): the registry list with its color chips
// (pages_list.go); the one-page file of an enterprise (一企一档, pages_detail.go) with the
// forms kept on it (pages_detail_forms.go) and the sections other capabilities add to it
// (Part); the registration and edit forms (pages_form.go); the Excel import
// (pages_import.go); the color rules with preview and versions (pages_rules.go); and the
// home panels (pages_panels.go). Every page reads and writes through the same service
// methods as the API, with the caller's scope, so an enterprise outside it answers the
// 404 page.

// pageTemplates are the parsed templates of the enterprise pages.
type pageTemplates struct {
	list, detail, form, imports, rules *template.Template
}

// Pages registers the enterprise pages, their navigation entries, the home panels, the
// stylesheet and the parts of an enterprise that other capabilities' pages show (its
// color badge, the tabs and breadcrumbs of its file: templates/parts.html). The pages of
// riskpoint, selfinspect and enforcement use those parts, so the wiring calls Pages
// before theirs.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("enterprise", files, "static/enterprise.css")
	s.AddPartials(files, "templates/parts.html")
	m.site = s
	t := pageTemplates{
		list:    s.MustParse(files, "templates/enterprises.html"),
		detail:  s.MustParse(files, "templates/enterprise.html", "templates/enterprise_sections.html"),
		form:    s.MustParse(files, "templates/enterprise_form.html"),
		imports: s.MustParse(files, "templates/import.html"),
		rules:   s.MustParse(files, "templates/rules.html"),
	}
	m.pages = t
	own := func(p *auth.Principal) bool { return p.Scope.EnterpriseID != nil }
	supervisor := func(p *auth.Principal) bool { return p.Scope.Path != "" && !p.Scope.OwnOnly }
	s.AddNav(web.NavItem{Key: "ent.nav", Path: "/enterprises", Icon: "building", Order: 12, Visible: supervisor})
	s.AddNav(web.NavItem{Key: "ent.nav_mine", Path: "/enterprises", Icon: "building", Order: 12, Visible: own})
	s.AddNav(web.NavItem{Key: "ent.nav_constraints", Path: "/constraints", Icon: "lock", Order: 13, Visible: supervisor})
	s.AddNav(web.NavItem{Key: "ent.nav_rules", Path: "/color-rules", Icon: "rules", Order: 14, Visible: canSeeRules})

	s.Handle(web.Page{Path: "/enterprises", Handler: m.listPage(s, t)})
	s.Handle(web.Page{Path: "/enterprises/new", Perm: &PermWrite, Handler: m.newPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises", Perm: &PermWrite, Handler: m.createSubmit(s, t)})
	s.Handle(web.Page{Path: "/enterprises/import", Perm: &PermWrite, Handler: m.importPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/import", Perm: &PermWrite, Handler: m.importSubmit(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}", Object: "enterprise", Handler: m.detailPage})
	s.Handle(web.Page{Path: "/enterprises/{id}/edit", Object: "enterprise", Perm: &PermWrite, Handler: m.editPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}", Object: "enterprise", Perm: &PermWrite, Handler: m.updateSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/reveal", Object: "enterprise", Perm: &PermContact, Handler: m.revealSubmit})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/visits", Object: "enterprise", Perm: &PermEnforce, Handler: m.visitSubmit})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/accounts", Object: "enterprise", Handler: m.accountSubmit})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/documents", Object: "enterprise", Handler: m.documentSubmit})

	s.Handle(web.Page{Path: "/color-rules", Handler: m.rulesPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/color-rules", Perm: &PermRules, Handler: m.rulesSubmit(s, t)})

	m.panels(s)
}

// AddPart adds a block to the enterprise's pages (see Part); the capabilities that keep
// records about an enterprise call it from their Pages.
func (m *Module) AddPart(p Part) {
	m.parts = append(m.parts, p)
	slices.SortStableFunc(m.parts, func(a, b Part) int { return a.Order - b.Order })
}

// renderParts renders the parts of slot for the enterprise of v, in order.
func (m *Module) renderParts(r *http.Request, slot Slot, v PartView) ([]template.HTML, error) {
	var out []template.HTML
	for _, p := range m.parts {
		if p.Slot != slot {
			continue
		}
		h, err := m.renderPart(r, p, v)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// renderPart renders one part for the enterprise of v.
func (m *Module) renderPart(r *http.Request, p Part, v PartView) (template.HTML, error) {
	data, err := p.Data(r, v)
	if err != nil {
		return "", err
	}
	return m.site.RenderPart(r, p.Template, p.Name, data)
}

// canSeeRules: the safety office edits the color rules; leaders and the platform's
// administrators read them.
func canSeeRules(p *auth.Principal) bool {
	return p.Can(PermRules) || p.Has(auth.Leader) || p.Has(auth.Admin)
}

// Choice is one entry of a select.
type Choice struct {
	ID   db.ID
	Name string
}

// Towns lists the towns in a scope in the tree's order (the town filters of the
// enterprise lists, the joint-constraint list's among them).
func (m *Module) Towns(ctx context.Context, sc auth.Scope) ([]Choice, error) {
	cond, args := sc.PathCond("o.path")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{ID: id, Name: name} },
		`SELECT o.id, o.name FROM orgs o WHERE o.kind = 'town' AND `+cond+` ORDER BY o.sort_order, o.code`, args...)
}

// idText is the decimal form of an optional id, or "".
func idText(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

// Industries lists the industries a scope's lists filter by (a department's own, or
// every industry).
func (m *Module) Industries(ctx context.Context, sc auth.Scope) ([]string, error) {
	return m.Hazards.Industries(ctx, sc)
}

// cause is how the color history names what triggered a change, in words.
func causeText(loc i18n.Localizer, cause string) string {
	if v, ok := strings.CutPrefix(cause, "rules v"); ok {
		return loc.T("ent.cause.rules", "version", v)
	}
	key := "ent.cause." + cause
	if i18n.Default.Has(key) {
		return loc.T(key)
	}
	return cause
}

// ruleText says a rule in words: the fact, the threshold and the window.
func ruleText(loc i18n.Localizer, r Rule) string {
	fact := loc.T("ent.fact." + r.Fact)
	switch {
	case r.Fact == FactStandardGrade:
		keys := make(i18n.Keys, len(r.Grades))
		for i, g := range r.Grades {
			keys[i] = i18n.Key("enterprise.grade." + g)
		}
		return loc.TArgs("ent.rule_text.grade", map[string]any{"fact": fact, "grades": keys})
	case windowed(r.Fact):
		return loc.T("ent.rule_text.windowed", "fact", fact, "min", r.Min, "months", r.Months)
	}
	return loc.T("ent.rule_text.count", "fact", fact, "min", r.Min)
}

// scopeDepth is 1 for a district-wide scope, 2 for a town, 3 for a village.
func scopeDepth(p *auth.Principal) int { return len(auth.PathIDs(p.Scope.Path)) }
