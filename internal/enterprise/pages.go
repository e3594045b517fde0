package enterprise

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The enterprise pages (企业 · 三色管理): the registry list with its color chips
// (pages_list.go); the one-page file of an enterprise (一企一档, pages_detail.go) with the
// forms kept on it (pages_detail_forms.go); the registration and edit forms
// (pages_form.go); enforcement steps and the printable rectification order
// (pages_enforce.go); the Excel import (pages_import.go); the joint-constraint and
// incentive lists (pages_constraints.go); the color rules with preview and versions
// (pages_rules.go); the enterprise portal — self-inspection and risk points
// (pages_portal.go, pages_risk.go); and the home panels (pages_panels.go). Every page
// reads and writes through the same service methods as the API, with the caller's
// scope, so an enterprise outside it answers the 404 page.

//go:embed templates/*.html
var pageFiles embed.FS

//go:embed pages_messages/*.json
var pageMessages embed.FS

// The pages' messages are their own catalog, beside the capability's.
func init() { i18n.MustRegister(pageMessages, "pages_messages") }

// pageTemplates are the parsed templates of the enterprise pages.
type pageTemplates struct {
	list, detail, form, enforce, order, imports, constraints, incentives, rules *template.Template
	selfInspect, inspection, riskPoints, riskMap, riskControls                  *template.Template
}

// Pages registers the enterprise pages, their navigation entries and the home panels.
// The enterprise's file upload forms use the hazard capability's Uploader, so Pages runs
// after the hazard pages are wired.
func (m *Module) Pages(s *web.Site) {
	parts := "templates/parts.html"
	t := pageTemplates{
		list:         m.parse(s, "templates/enterprises.html", parts),
		detail:       m.parse(s, "templates/enterprise.html", "templates/enterprise_sections.html", parts),
		form:         m.parse(s, "templates/enterprise_form.html", parts),
		enforce:      m.parse(s, "templates/enforcement_new.html", parts),
		order:        m.parse(s, "templates/order.html", parts),
		imports:      m.parse(s, "templates/import.html", parts),
		constraints:  m.parse(s, "templates/constraints.html", parts),
		incentives:   m.parse(s, "templates/incentives.html", parts),
		rules:        m.parse(s, "templates/rules.html", parts),
		selfInspect:  m.parse(s, "templates/self_inspection.html", parts),
		inspection:   m.parse(s, "templates/inspection.html", parts),
		riskPoints:   m.parse(s, "templates/risk_points.html", parts),
		riskMap:      m.parse(s, "templates/risk_map.html", parts),
		riskControls: m.parse(s, "templates/risk_controls.html", parts),
	}
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
	s.Handle(web.Page{Path: "/enterprises/{id}", Object: "enterprise", Handler: m.detailPage(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}/edit", Object: "enterprise", Perm: &PermWrite, Handler: m.editPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}", Object: "enterprise", Perm: &PermWrite, Handler: m.updateSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/reveal", Object: "enterprise", Perm: &PermContact, Handler: m.revealSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/visits", Object: "enterprise", Perm: &PermEnforce, Handler: m.visitSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/accounts", Object: "enterprise", Handler: m.accountSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/documents", Object: "enterprise", Handler: m.documentSubmit(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}/enforcement/new", Object: "enterprise", Perm: &PermEnforce, Handler: m.enforcePage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/enforcement", Object: "enterprise", Perm: &PermEnforce, Handler: m.enforceSubmit(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}/enforcement/{eid}/order", Object: "enterprise", Handler: m.orderPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enforcement/{id}/outcome", Object: "enforcement", Perm: &PermEnforce, Handler: m.outcomeSubmit(s, t)})

	s.Handle(web.Page{Path: "/enterprises/{id}/self-inspection", Object: "enterprise", Perm: &PermSelfInspect, Handler: m.selfInspectPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/self-inspection", Object: "enterprise", Perm: &PermSelfInspect, Handler: m.selfInspectSubmit(s, t)})
	s.Handle(web.Page{Path: "/self-inspections/{id}", Object: "self_inspection", Handler: m.inspectionPage(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}/risk-points", Object: "enterprise", Handler: m.riskPointsPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/risk-points", Object: "enterprise", Handler: m.riskPointSubmit(s, t)})
	s.Handle(web.Page{Path: "/risk-points/{id}/controls", Object: "risk_point", Handler: m.riskControlsPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/risk-points/{id}/controls", Object: "risk_point", Handler: m.riskControlsSubmit(s, t)})
	s.Handle(web.Page{Path: "/risk-points", Handler: m.riskMapPage(s, t)})

	s.Handle(web.Page{Path: "/constraints", Handler: m.constraintsPage(s, t)})
	s.Handle(web.Page{Path: "/incentives", Handler: m.incentivesPage(s, t)})
	s.Handle(web.Page{Path: "/color-rules", Handler: m.rulesPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/color-rules", Perm: &PermRules, Handler: m.rulesSubmit(s, t)})

	m.panels(s)
}

// canSeeRules: the safety office edits the color rules; leaders and the platform's
// administrators read them.
func canSeeRules(p *auth.Principal) bool {
	return p.Can(PermRules) || p.Has(auth.Leader) || p.Has(auth.Admin)
}

// parse parses page templates together with the layout and the enterprise pages' own
// template functions; it panics on error (at start-up).
func (m *Module) parse(s *web.Site, files ...string) *template.Template {
	t := s.MustParse(pageFiles) // the layout alone
	t.Funcs(template.FuncMap{
		// yuan writes an amount of yuan with thousands separators.
		"yuan": func(n *int64) string {
			if n == nil {
				return ""
			}
			return groupDigits(*n)
		},
		"idstr": func(id *db.ID) string { return idText(id) },
	})
	for _, f := range files {
		b, err := pageFiles.ReadFile(f)
		if err != nil {
			panic(err)
		}
		template.Must(t.New(f).Parse(string(b)))
	}
	return t
}

// choice is one entry of a select.
type choice struct {
	ID   db.ID
	Name string
}

// towns lists the towns in a scope in the tree's order (the town filters).
func (m *Module) towns(ctx context.Context, sc auth.Scope) ([]choice, error) {
	cond, args := sc.PathCond("o.path")
	rows, err := m.DB.Query(ctx, `SELECT o.id, o.name FROM orgs o WHERE o.kind = 'town' AND `+cond+` ORDER BY o.sort_order, o.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []choice
	for rows.Next() {
		var c choice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// pathID reads the {name} path parameter (see api.PathID).
func pathID(r *http.Request, name, object string) (db.ID, error) {
	return api.PathID(r, name, object)
}

// formState is one form of a page: the values shown (as typed, after a refusal), the
// per-field errors and the message above it.
type formState struct {
	V       url.Values
	Fields  map[string]string
	Error   string
	Carried []db.ID // files a refused form had already stored
	Open    bool    // shown unfolded
}

// newForm is an empty form.
func newForm() *formState { return &formState{V: url.Values{}, Fields: map[string]string{}} }

// postedForm parses a submitted url-encoded form into a new formState.
func postedForm(r *http.Request) (*formState, error) {
	if err := web.ParseForm(r); err != nil {
		return nil, err
	}
	f := newForm()
	f.V = r.PostForm
	return f, nil
}

// refuse fills a form's errors from err; ok is false when err is not about the input.
func (f *formState) refuse(r *http.Request, err error) (status int, ok bool) {
	fields, msg, ok := web.FieldErrors(r, err)
	if !ok {
		return 0, false
	}
	f.Fields, f.Error, f.Open = fields, msg, true
	return httpStatus(err), true
}

// idText is the decimal form of an optional id, or "".
func idText(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// groupDigits writes n with thousands separators: 516,000.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// optInt parses an optional integer field of a form; "" is nil, anything else not an
// integer a field error.
func optInt(vals url.Values, name string, fields map[string]string, loc i18n.Localizer) *int64 {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		fields[name] = loc.T("validate.int")
		return nil
	}
	return &n
}

// ptr returns a pointer to the trimmed form value.
func ptr(vals url.Values, name string) *string {
	s := strings.TrimSpace(vals.Get(name))
	return &s
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

// httpStatus is the status a refused form answers with (422, 409, 403…).
func httpStatus(err error) int { return apperr.Status(apperr.CodeOf(err)) }
