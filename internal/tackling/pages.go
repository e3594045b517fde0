package tackling

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Pages of special tackling: the problems (list, new, one problem), the measures (list,
// one measure with its progress and the step that is the viewer's to take), the figures
// per leader and department, the printable ledger (台账) and the 五个反思.

// pageTemplates are the parsed templates of the pages.
type pageTemplates struct {
	problems, problem, problemNew, measures, measure, figures, ledger, reflections, reflection, reflectionNew *template.Template
}

// Choice is a record offered in a filter or a form.
type Choice struct {
	ID   db.ID
	Name string
}

// sees reports whether p sees special tackling: every account but an enterprise's and
// the grid's (patrollers, villages).
func sees(p *auth.Principal) bool {
	return !p.Scope.OwnOnly && (p.Has(auth.Admin) || p.Has(auth.SafetyOffice) || p.Has(auth.Leader) || p.Has(auth.Department) ||
		p.Has(auth.Town) || p.Has(auth.Reader))
}

// Pages registers the pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("tackling", files, "static/tackling.css")
	parse := func(name string) *template.Template {
		return s.MustParse(files, "templates/"+name, "templates/parts.html")
	}
	t := pageTemplates{
		problems: parse("problems.html"), problem: parse("problem.html"), problemNew: parse("problem_new.html"),
		measures: parse("measures.html"), measure: parse("measure.html"), figures: parse("figures.html"),
		ledger: s.MustParse(files, "templates/ledger.html"), reflections: parse("reflections.html"),
		reflection: parse("reflection.html"), reflectionNew: parse("reflection_new.html"),
	}
	s.AddNav(web.NavItem{Key: "tackling.nav", Path: "/problems", Icon: "chart", Order: 20, Visible: sees})
	s.Handle(web.Page{Path: "/problems", Handler: m.problemsPage(s, t)})
	s.Handle(web.Page{Path: "/problems/new", Perm: &PermWrite, Handler: m.problemNewPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/problems", Perm: &PermWrite, Handler: m.problemSubmit(s, t)})
	s.Handle(web.Page{Path: "/problems/ledger", Handler: m.ledgerPage(s, t)})
	s.Handle(web.Page{Path: "/problems/{id}", Object: "problem", Handler: m.problemPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/problems/{id}/measures", Object: "problem", Perm: &PermWrite, Handler: m.measureSubmit(s, t)})
	s.Handle(web.Page{Path: "/measures", Handler: m.measuresPage(s, t)})
	s.Handle(web.Page{Path: "/measures/figures", Handler: m.figuresPage(s, t)})
	s.Handle(web.Page{Path: "/measures/{id}", Object: "measure", Handler: m.measurePage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/measures/{id}/steps", Object: "measure", Handler: m.measureStepSubmit(s, t)})
	s.Handle(web.Page{Path: "/reflections", Handler: m.reflectionsPage(s, t)})
	s.Handle(web.Page{Path: "/reflections/new", Perm: &PermWrite, Handler: m.reflectionNewPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/reflections", Perm: &PermWrite, Handler: m.reflectionSubmit(s, t)})
	s.Handle(web.Page{Path: "/reflections/{id}", Object: "reflection", Handler: m.reflectionPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/reflections/{id}/submit", Object: "reflection", Perm: &PermWrite, Handler: m.reflectionSubmitDraft})
}

// problemsView is the problem list's data.
type problemsView struct {
	web.ListPage
	Items                           []Problem
	Year, SourceKind, Overdue, QTxt string
	Years                           []string
	SourceKinds                     []string
	CanWrite, Filtered              bool
}

func (m *Module) problemsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f ProblemFilter
		lp, l, err := web.ParseListPage(r, problemSorting, &f)
		if err != nil {
			return err
		}
		v := problemsView{ListPage: l, QTxt: f.Q, SourceKinds: SourceKinds, CanWrite: p.Can(PermWrite), Filtered: l.Filtered(),
			Year: intText(f.Year), Overdue: boolText(f.HasOverdue), Years: m.years()}
		if len(f.SourceKind) == 1 {
			v.SourceKind = f.SourceKind[0]
		}
		total, err := m.ListProblems(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.problems, v)
	}
}

// problemView is one problem's page.
type problemView struct {
	P        Problem
	Changes  []audit.Change
	Now      time.Time
	CanWrite bool
	// The form adding a measure (writers), with its choices.
	Form           *web.Form
	Units, Leaders []Choice
	Rows           []int
}

func (m *Module) problemPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "problem")
		if err != nil {
			return err
		}
		return m.renderProblem(w, r, s, t, http.StatusOK, id, web.NewForm(nil))
	}
}

// renderProblem renders a problem with its measures and, for a writer, the form f adding one.
func (m *Module) renderProblem(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, id db.ID, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	pr, err := m.GetProblem(ctx, m.DB, p, id)
	if err != nil {
		return err
	}
	v := problemView{P: pr, Now: m.Clock.Now(), CanWrite: p.Can(PermWrite) && inScope(p.Scope, pr.path), Form: f, Rows: []int{0}}
	if v.Changes, err = m.changes(ctx, "problem", pr.ID); err != nil {
		return err
	}
	if v.CanWrite {
		if v.Units, err = m.unitChoices(ctx, p); err != nil {
			return err
		}
		if v.Leaders, err = m.leaderChoices(ctx, p); err != nil {
			return err
		}
	}
	return s.RenderStatus(w, r, status, t.problem, v)
}

// measureSubmit adds the form's measure to a problem.
func (m *Module) measureSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, _, f, err := web.RecordForm(r, "problem", func(id db.ID) (Problem, error) { return m.GetProblem(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		in := MeasureInput{}
		for _, k := range []string{"text", "deadline"} {
			v := f.Get("m0_" + k)
			if k == "text" {
				in.Text = &v
			} else {
				in.Deadline = &v
			}
		}
		in.LeaderID, in.DepartmentID = f.ID("m0_leader_id"), f.ID("m0_department_id")
		_, err = m.AddMeasure(ctx, p, id, in)
		err = apperr.RenameFields(err, func(fl string) string { return "m0_" + fl })
		return f.Done(w, r, err, "flash.tackling_measure_added", "/problems/"+id.String()+"#measures-title", func() error {
			return m.renderProblem(w, r, s, t, f.Status, id, f)
		})
	}
}

// measuresView is the measure list's data.
type measuresView struct {
	web.ListPage
	Items                                                 []Measure
	Status, Overdue, Year, SourceKind, Leader, Dept, QTxt string
	Leaders, Departments                                  []Choice
	Years                                                 []string
	SourceKinds, Statuses                                 []string
	Filtered                                              bool
	Chips                                                 []chip
}

// chip is an active filter that came with a link (a to-do group, a figure): shown with a
// link that removes it.
type chip struct {
	Label  string
	Remove string
}

func (m *Module) measuresPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f MeasureFilter
		lp, l, err := web.ParseListPage(r, measureSorting, &f)
		if err != nil {
			return err
		}
		v := measuresView{ListPage: l, QTxt: f.Q, Overdue: boolText(f.Overdue), Year: intText(f.Year), Leader: idText(f.LeaderID),
			Dept: idText(f.DepartmentID), SourceKinds: SourceKinds, Statuses: MeasureStatuses, Filtered: l.Filtered(), Years: m.years()}
		if len(f.Status) == 1 {
			v.Status = f.Status[0]
		}
		if len(f.SourceKind) == 1 {
			v.SourceKind = f.SourceKind[0]
		}
		if v.Leaders, err = m.measureLeaders(ctx, p); err != nil {
			return err
		}
		if v.Departments, err = m.measureDepartments(ctx, p); err != nil {
			return err
		}
		v.Chips = measureChips(r, &v.ListPage, f)
		total, err := m.ListMeasures(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.measures, v)
	}
}

// measureChips lists the active filters the form has no field for.
func measureChips(r *http.Request, l *web.ListPage, f MeasureFilter) []chip {
	var out []chip
	add := func(param, label string) {
		q := url.Values{}
		for k, vs := range l.Export {
			if k != param {
				q[k] = vs
			}
		}
		out = append(out, chip{Label: label, Remove: "/measures?" + q.Encode()})
	}
	loc := i18n.FromContext(r.Context())
	if f.ProblemID != nil {
		add("problem_id", loc.T("tackling.chip.problem"))
	}
	if f.DueWithinDays != nil {
		add("due_within_days", loc.T("tackling.chip.due_within", "n", *f.DueWithinDays))
	}
	if f.Verifiable != nil && *f.Verifiable {
		add("verifiable", loc.T("tackling.chip.verifiable"))
	}
	if f.OnTime != nil {
		add("on_time", loc.T(map[bool]string{true: "tackling.chip.on_time", false: "tackling.chip.late"}[*f.OnTime]))
	}
	if len(f.Status) > 1 {
		add("status", loc.T("tackling.chip.statuses"))
	}
	return out
}

// measureLeaders are the leaders owning measures in scope, by name.
func (m *Module) measureLeaders(ctx context.Context, p *auth.Principal) ([]Choice, error) {
	c, a := pathCond(p.Scope, "m.org_path")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{id, name} },
		`SELECT pe.id, pe.name FROM people pe WHERE pe.id IN (SELECT m.leader_id FROM measures m WHERE `+c+`) ORDER BY pe.name, pe.id`, a...)
}

// measureDepartments are the units carrying measures in scope, in the tree's order.
func (m *Module) measureDepartments(ctx context.Context, p *auth.Principal) ([]Choice, error) {
	c, a := pathCond(p.Scope, "m.org_path")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{id, name} },
		`SELECT o.id, o.name FROM orgs o WHERE o.id IN (SELECT m.department_id FROM measures m WHERE `+c+`) ORDER BY o.path`, a...)
}

// leaderChoices are the leaders a measure may be owned by: the people in scope holding a
// leader's post (district and town leaders).
func (m *Module) leaderChoices(ctx context.Context, p *auth.Principal) ([]Choice, error) {
	c, a := pathCond(p.Scope, "pe.org_path")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{id, name} },
		`SELECT pe.id, pe.name || ' · ' || MIN(ps.title) FROM people pe JOIN posts ps ON ps.person_id = pe.id
		WHERE ps.kind IN ('secretary', 'district_head', 'deputy_head', 'standing_member', 'town_secretary', 'town_head', 'town_deputy') AND `+c+`
		GROUP BY pe.id, pe.name ORDER BY MIN(ps.rank), pe.id`, a...)
}

// unitChoices are the units in scope (lead units, departments).
func (m *Module) unitChoices(ctx context.Context, p *auth.Principal) ([]Choice, error) {
	c, a := pathCond(p.Scope, "o.path")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{id, name} },
		`SELECT o.id, o.name FROM orgs o WHERE o.kind = 'unit' AND `+c+` ORDER BY o.path`, a...)
}

// years are the years the filters offer: from last year to next.
func (m *Module) years() []string {
	y := m.Clock.Now().In(clock.China).Year()
	return []string{strconv.Itoa(y + 1), strconv.Itoa(y), strconv.Itoa(y - 1)}
}

func intText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func idText(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// listAll reads every measure matching f in the caller's scope, in order.
func (m *Module) listAll(ctx context.Context, p *auth.Principal, f MeasureFilter, sort string) ([]Measure, error) {
	var out []Measure
	_, err := m.ListMeasures(ctx, p, f, api.ListParams{Sort: sort}, web.Collect(&out))
	return out, err
}
