package duty

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
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

// The pages: the duty lists of the units in scope (/duties) and one list with its items
// grouped by body, its versions, the safety office's edits (each a new version) and its
// print; the tasks, the caller's first (/tasks); one task, phone first, with its one-tap
// confirmation, the fitting evidence to link and a document to upload; the overdue
// tasks by unit and period (/tasks/overdue); and the home panel 本周我的职责.

type pageTemplates struct {
	lists, list, print, tasks, task, overdue, panel, templates *template.Template
}

// Pages registers the pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("duty", files, "static/duty.css")
	s.AddPartials(files, "templates/parts.html")
	t := pageTemplates{
		lists:   s.MustParse(files, "templates/duties.html"),
		list:    s.MustParse(files, "templates/duty_list.html"),
		print:   s.MustParse(files, "templates/duty_list_print.html"),
		tasks:   s.MustParse(files, "templates/tasks.html"),
		task:    s.MustParse(files, "templates/task.html"),
		overdue: s.MustParse(files, "templates/overdue.html"),
		panel:   s.MustParse(files, "templates/panel.html"),

		templates: s.MustParse(files, "templates/duty_templates.html"),
	}
	s.AddNav(web.NavItem{Key: "duty.nav_tasks", Path: "/tasks", Icon: "check", Order: 15})
	s.AddNav(web.NavItem{Key: "duty.nav_lists", Path: "/duties", Icon: "shield", Order: 16})
	s.AddNav(web.NavItem{Key: "duty.nav_templates", Path: "/duty-templates", Icon: "rules", Order: 33, Perm: &PermWrite})
	s.Handle(web.Page{Path: "/duties", Handler: m.listsPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duties", Perm: &PermWrite, Handler: m.createListSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duties/copy", Perm: &PermWrite, Handler: m.copySubmit(s, t)})
	s.Handle(web.Page{Path: "/duty-templates", Handler: m.templatesPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duty-templates", Perm: &PermWrite, Handler: m.templateAddSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duty-templates/remove", Perm: &PermWrite, Handler: m.templateRemoveSubmit(s, t)})
	s.Handle(web.Page{Path: "/duty-lists/{id}", Object: "duty_list", Handler: m.listPage(s, t)})
	s.Handle(web.Page{Path: "/duty-lists/{id}/print", Object: "duty_list", Handler: m.printPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duty-lists/{id}/items", Object: "duty_list", Perm: &PermWrite, Handler: m.addItemSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/duty-lists/{id}/remove", Object: "duty_list", Perm: &PermWrite, Handler: m.removeItemSubmit(s, t)})
	s.Handle(web.Page{Path: "/tasks", Handler: m.tasksPage(s, t)})
	s.Handle(web.Page{Path: "/tasks/overdue", Handler: m.overduePage(s, t)})
	s.Handle(web.Page{Path: "/tasks/{id}", Object: "task", Handler: m.taskPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/tasks/{id}/confirm", Object: "task", Handler: m.confirmSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/tasks/{id}/evidence", Object: "task", Handler: m.evidenceSubmit(s, t)})
	s.AddPanel(web.Panel{Order: 15, Visible: func(p *auth.Principal) bool { return p.PersonID != nil }, Template: t.panel, Data: m.panelData})
}

// listsView is /duties.
type listsView struct {
	web.ListPage
	Items    []List
	Year     string
	Years    []string
	QText    string
	PostKind string
	Kinds    []string
	Filtered bool
	// The safety office's forms: draw a list for a person without one this year, copy
	// this year's lists to the next.
	CanWrite bool
	Unlisted []choice
	ThisYear int
	Form     *web.Form
}

func (m *Module) listsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return m.renderLists(w, r, s, t, http.StatusOK, web.NewForm(nil))
	}
}

func (m *Module) renderLists(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, form *web.Form) error {
	p := auth.FromContext(r.Context())
	var f ListFilter
	lp, l, err := web.ParseListPage(r, listSorting, &f)
	if err != nil {
		return err
	}
	year := m.Clock.Now().In(clock.China).Year()
	v := listsView{ListPage: l, QText: f.Q, PostKind: f.PostKind, Filtered: l.Filtered(), Kinds: postKinds(), Form: form, ThisYear: year}
	if f.Year == nil {
		f.Year = &year
	}
	v.Year = strconv.Itoa(*f.Year)
	for y := year + 1; y >= year-2; y-- {
		v.Years = append(v.Years, strconv.Itoa(y))
	}
	if v.CanWrite = p.Can(PermWrite); v.CanWrite {
		if v.Unlisted, err = m.unlisted(r, year); err != nil {
			return err
		}
	}
	total, err := m.ListLists(r.Context(), p, f, lp, web.Collect(&v.Items))
	if err != nil {
		return err
	}
	v.Finish(total)
	return s.RenderStatus(w, r, status, t.lists, v)
}

// bodyGroup is the items of one body, in a list's page.
type bodyGroup struct {
	Body  string
	Items []Item
}

// listView is one list version.
type listView struct {
	L                                            List
	Groups                                       []bodyGroup
	Versions                                     []List
	History                                      []audit.Change
	CanEdit                                      bool
	Form                                         *web.Form
	Bodies, Roles, Freqs, Evidence, MeetingKinds []string
}

func groupItems(items []Item) []bodyGroup {
	var out []bodyGroup
	for _, b := range Bodies {
		g := bodyGroup{Body: b}
		for _, it := range items {
			if it.Body == b {
				g.Items = append(g.Items, it)
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func (m *Module) listPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, l, err := web.PathRecord(r, "duty_list", func(id db.ID) (List, error) { return m.GetList(r.Context(), m.DB, auth.FromContext(r.Context()), id) })
		if err != nil {
			return err
		}
		return m.renderList(w, r, s, t, http.StatusOK, l, web.NewForm(url.Values{"body": {bodyOf(l.PostKind)}, "role": {"execute"}}))
	}
}

// bodyOf is the body a kind of post's new items default to.
func bodyOf(kind string) string {
	switch kind {
	case "secretary", "standing_member":
		return "party_committee"
	case "district_head", "deputy_head":
		return "government"
	case "congress_head":
		return "congress"
	case "cppcc_head":
		return "cppcc"
	case "town_secretary", "town_head", "town_deputy":
		return "town"
	}
	return "department"
}

func (m *Module) renderList(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, l List, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := listView{L: l, Groups: groupItems(l.Items), CanEdit: l.Current && p.Can(PermWrite), Form: f,
		Bodies: Bodies, Roles: Roles, Freqs: Frequencies, Evidence: EvidenceKinds, MeetingKinds: MeetingKinds}
	var err error
	if v.Versions, err = m.Versions(ctx, p, l.ID); err != nil {
		return err
	}
	ids := make([]string, len(v.Versions))
	for i, x := range v.Versions {
		ids[i] = x.ID.String()
	}
	if v.History, err = audit.Changes(ctx, m.DB, "duty_list", ids...); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.list, v)
}

func (m *Module) printPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, l, err := web.PathRecord(r, "duty_list", func(id db.ID) (List, error) { return m.GetList(r.Context(), m.DB, auth.FromContext(r.Context()), id) })
		if err != nil {
			return err
		}
		return s.Render(w, r, t.print, listView{L: l, Groups: groupItems(l.Items)})
	}
}

// currentOf returns the current version of the list id belongs to: a page's edit
// always makes the next version of the current one.
func (m *Module) currentOf(ctx context.Context, p *auth.Principal, id db.ID) (List, error) {
	l, err := m.GetList(ctx, m.DB, p, id)
	if err != nil || l.Current {
		return l, err
	}
	var cur db.ID
	if err := m.DB.QueryRow(ctx, `SELECT id FROM duty_lists WHERE person_id = ? AND org_id = ? AND year = ? AND current = ?`,
		l.PersonID, l.OrgID, l.Year, true).Scan(&cur); err != nil {
		return List{}, err
	}
	return m.GetList(ctx, m.DB, p, cur)
}

// itemsOf turns a list's items into the input of its next version.
func itemsOf(l List) []ItemInput {
	out := make([]ItemInput, len(l.Items))
	for i, it := range l.Items {
		o := it.OriginID
		out[i] = ItemInput{OriginID: &o, TemplateItem: it.TemplateItem}
	}
	return out
}

// addItemSubmit adds an item to a list: a new version.
func (m *Module) addItemSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, l, f, err := web.RecordForm(r, "duty_list", func(id db.ID) (List, error) { return m.currentOf(ctx, p, id) })
		if err != nil {
			return err
		}
		id := l.ID
		var it TemplateItem
		var note struct {
			Note *string `form:"note"`
		}
		var nid db.ID
		if err = f.Decode(&it); err == nil {
			if err = f.Decode(&note); err == nil {
				items := append(itemsOf(l), ItemInput{TemplateItem: it})
				nid, err = m.SaveItems(ctx, p, id, ItemsInput{Items: items, Note: note.Note})
				err = itemErr(err, len(items)-1)
			}
		}
		return f.Done(w, r, err, "flash.duty_version_saved", "/duty-lists/"+nid.String(), func() error {
			return m.renderList(w, r, s, t, f.Status, l, f)
		})
	}
}

// itemErr names the fields of the added item's refusal as the page form names them.
func itemErr(err error, i int) error {
	e := apperr.As(err)
	if err == nil || e.Code != apperr.Invalid {
		return err
	}
	pre := "items[" + strconv.Itoa(i) + "]."
	v := &apperr.Validation{}
	for _, fe := range e.Fields {
		field := fe.Field
		if len(field) > len(pre) && field[:len(pre)] == pre {
			field = field[len(pre):]
		}
		v.Add(field, fe.Key, fe.Args)
	}
	return v.Err()
}

// removeItemSubmit removes an item (origin_id) from a list: a new version.
func (m *Module) removeItemSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, l, f, err := web.RecordForm(r, "duty_list", func(id db.ID) (List, error) { return m.currentOf(ctx, p, id) })
		if err != nil {
			return err
		}
		id := l.ID
		var in struct {
			OriginID *db.ID `form:"origin_id"`
		}
		var nid db.ID
		if err = f.Decode(&in); err == nil {
			v := &apperr.Validation{}
			items := itemsOf(l)
			k := slices.IndexFunc(items, func(it ItemInput) bool { return in.OriginID != nil && *it.OriginID == *in.OriginID })
			switch {
			case k < 0:
				v.Add("origin_id", "validate.unknown_ref", nil)
				err = v.Err()
			case len(items) == 1:
				v.Add("origin_id", "duty.last_item", nil)
				err = v.Err()
			default:
				note := l.Items[k].Text
				nid, err = m.SaveItems(ctx, p, id, ItemsInput{Items: slices.Delete(items, k, k+1), Note: &note})
			}
		}
		return f.Done(w, r, err, "flash.duty_version_saved", "/duty-lists/"+nid.String(), func() error {
			return m.renderList(w, r, s, t, f.Status, l, web.NewForm(url.Values{"body": {bodyOf(l.PostKind)}}))
		})
	}
}

// tasksView is /tasks.
type tasksView struct {
	web.ListPage
	Items                         []Task
	Mine                          []Task // 本周我的职责, on the unfiltered first page
	Status, Overdue, Freq, Period string
	MineOn                        bool
	Filtered                      bool
	Now                           time.Time
}

func (m *Module) tasksPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f TaskFilter
		latest := taskSorting // the page opens with the latest periods
		latest.Default = "-due_at"
		lp, l, err := web.ParseListPage(r, latest, &f)
		if err != nil {
			return err
		}
		v := tasksView{ListPage: l, Filtered: l.Filtered(), Period: f.Period, Now: m.Clock.Now()}
		if len(f.Status) == 1 {
			v.Status = f.Status[0]
		}
		if f.Overdue != nil {
			v.Overdue = strconv.FormatBool(*f.Overdue)
		}
		if len(f.Frequency) == 1 {
			v.Freq = f.Frequency[0]
		}
		v.MineOn = f.Mine != nil && *f.Mine
		if !v.Filtered && lp.Page <= 1 {
			if v.Mine, err = m.thisWeek(ctx, p); err != nil {
				return err
			}
		}
		total, err := m.ListTasks(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.tasks, v)
	}
}

// thisWeek is what the caller has to do now (本周我的职责): the open tasks of the
// caller's person or unit, overdue and current, soonest due first (20 at most). Tasks
// exist only for periods that have begun, so none of them lies ahead.
func (m *Module) thisWeek(ctx context.Context, p *auth.Principal) ([]Task, error) {
	if p.Has(auth.Reader) && len(p.Roles) == 1 {
		return nil, nil
	}
	yes := true
	var out []Task
	_, err := m.ListTasks(ctx, p, TaskFilter{Mine: &yes, Status: []string{"open"}}, api.ListParams{Page: 1, PerPage: 20, Sort: "due_at"}, web.Collect(&out))
	return out, err
}

// taskView is one task.
type taskView struct {
	T       Task
	Fitting []EvidenceRecord
	History []audit.Change
	CanAct  bool
	Form    *web.Form
	Now     time.Time
}

func (m *Module) taskPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, tk, err := web.PathRecord(r, "task", func(id db.ID) (Task, error) { return m.GetTask(r.Context(), m.DB, auth.FromContext(r.Context()), id) })
		if err != nil {
			return err
		}
		return m.renderTask(w, r, s, t, http.StatusOK, tk, web.NewForm(nil))
	}
}

func (m *Module) renderTask(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, tk Task, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := taskView{T: tk, CanAct: CanAct(p, tk), Form: f, Now: m.Clock.Now()}
	var err error
	if v.CanAct && tk.Evidence != "confirm" {
		if v.Fitting, err = m.Fitting(ctx, p, tk); err != nil {
			return err
		}
	}
	if v.History, err = audit.Changes(ctx, m.DB, "task", tk.ID.String()); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.task, v)
}

// confirmSubmit is the one-tap confirmation, with its photo when asked.
func (m *Module) confirmSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, tk, err := web.PathRecord(r, "task", func(id db.ID) (Task, error) { return m.GetTask(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		f, err := web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == "photo" })
		if err != nil && f == nil {
			return err
		}
		if err == nil {
			var in ConfirmInput
			if err = f.Decode(&in); err == nil {
				if ids := f.Files["photo"]; len(ids) > 0 {
					in.PhotoID = &ids[0]
				}
				_, err = m.Confirm(ctx, p, id, in)
			}
		}
		return f.Done(w, r, err, "flash.duty_confirmed", "/tasks/"+id.String(), func() error {
			return m.renderTask(w, r, s, t, f.Status, tk, f)
		})
	}
}

// evidenceSubmit links evidence: one tap on a fitting record, or a document uploaded.
func (m *Module) evidenceSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, tk, err := web.PathRecord(r, "task", func(id db.ID) (Task, error) { return m.GetTask(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		f, err := web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == "file" })
		if err != nil && f == nil {
			return err
		}
		if err == nil {
			var in EvidenceInput
			if err = f.Decode(&in); err == nil {
				if ids := f.Files["file"]; len(ids) > 0 && in.EvidenceID == nil {
					in.AttachmentID = &ids[0]
				}
				_, err = m.LinkEvidence(ctx, p, id, in)
				err = renameField(err, "attachment_id", "file")
			}
		}
		return f.Done(w, r, err, "flash.duty_evidence_linked", "/tasks/"+id.String(), func() error {
			return m.renderTask(w, r, s, t, f.Status, tk, f)
		})
	}
}

// renameField names an API field as the page form names it.
func renameField(err error, from, to string) error {
	e := apperr.As(err)
	if err == nil || e.Code != apperr.Invalid {
		return err
	}
	v := &apperr.Validation{}
	for _, fe := range e.Fields {
		field := fe.Field
		if field == from || field == "evidence_id" {
			field = to
		}
		v.Add(field, fe.Key, fe.Args)
	}
	return v.Err()
}

// overdueView is /tasks/overdue: units × periods.
type overdueView struct {
	Year    int
	ByUnit  Summary
	Periods []string
	Names   map[string]i18n.Text             // each period's name
	Cells   map[string]map[string]SummaryRow // unit id → period → counts
	Freq    string
}

func (m *Module) overduePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		year := m.Clock.Now().In(clock.China).Year()
		freq := r.URL.Query().Get("frequency")
		if !slices.Contains([]string{"monthly", "quarterly"}, freq) {
			freq = "quarterly"
		}
		v := overdueView{Year: year, Freq: freq, Names: map[string]i18n.Text{}}
		f := TaskFilter{Year: &year, Frequency: []string{freq}}
		var err error
		if v.ByUnit, err = m.SummaryOf(ctx, p, SummaryParams{By: "unit", TaskFilter: f}); err != nil {
			return err
		}
		for _, pr := range PeriodsOfYear(freq, year) {
			v.Periods = append(v.Periods, pr.Key)
			v.Names[pr.Key] = PeriodName(pr.Key)
		}
		if v.Cells, err = m.summaryCells(ctx, p, f); err != nil {
			return err
		}
		return s.Render(w, r, t.overdue, v)
	}
}

// panelView is the home panel 本周我的职责.
type panelView struct {
	Tasks []Task
	Now   time.Time
}

func (m *Module) panelData(r *http.Request) (any, error) {
	tasks, err := m.thisWeek(r.Context(), auth.FromContext(r.Context()))
	if err != nil || len(tasks) == 0 {
		return nil, err
	}
	return panelView{Tasks: tasks, Now: m.Clock.Now()}, nil
}

// postKinds are the kinds of post with templates, for the filter.
func postKinds() []string {
	return []string{"secretary", "district_head", "deputy_head", "standing_member", "congress_head", "cppcc_head",
		"department_head", "town_secretary", "town_head", "town_deputy", "school_head"}
}
