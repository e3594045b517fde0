package duty

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Routes registers the API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/duty-templates", ID: "listDutyTemplates", Tag: "duty",
		Summary:  "The duty list templates, one per kind of post, with their items (district-wide configuration)",
		Response: []Template{}, Handler: api.QueryHandler(m.templatesQuery)})
	r.Add(api.Route{Method: "PUT", Path: "/api/v1/duty-templates", ID: "saveDutyTemplate", Tag: "duty",
		Summary: "Replace the template of a kind of post (the safety office); lists drawn from it keep their items",
		Perm:    &PermWrite, Body: TemplateInput{}, Response: Template{}, Handler: api.BodyHandler(http.StatusOK, m.SaveTemplate)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/duties", ID: "listDuties", Tag: "duty",
		Summary: "The items of the current duty lists in scope, with their post, person and unit",
		Params:  DutyFilter{}, Response: Duty{}, List: true, Sorts: dutySorting.Fields(), Handler: api.ListHandler(dutySorting, dutyExport, m.dutiesScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/duty-lists", ID: "listDutyLists", Tag: "duty",
		Summary: "The current duty lists in scope", Params: ListFilter{}, Response: List{}, List: true, Sorts: listSorting.Fields(),
		Handler: api.ListHandler(listSorting, listExport, m.listsScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/duty-lists", ID: "createDutyList", Tag: "duty",
		Summary: "Create version 1 of a person's duty list for a post and year from the template of the post's kind (the safety office)",
		Perm:    &PermWrite, Body: ListInput{}, Response: List{}, Status: http.StatusCreated, Handler: api.NewHandler(m.CreateList, m.getList, "/api/v1/duty-lists/")})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/duty-lists/copy", ID: "copyDutyLists", Tag: "duty",
		Summary: "Copy the current lists of a year to the next year (the safety office)",
		Perm:    &PermWrite, Body: CopyInput{}, Response: CopyResult{}, Handler: api.BodyHandler(http.StatusOK, m.CopyYear)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/duty-lists/{id}", ID: "getDutyList", Tag: "duty", Summary: "One version of a duty list with its items",
		Object: "duty_list", Response: List{}, Handler: api.GetHandler("duty_list", m.getList)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/duty-lists/{id}/versions", ID: "listDutyListVersions", Tag: "duty",
		Summary: "Every version of the list, newest first", Object: "duty_list", Response: []List{}, Handler: api.GetHandler("duty_list", m.Versions)})
	for _, mi := range [][2]string{{"PUT", "replaceDutyListItems"}, {"PATCH", "changeDutyListItems"}} {
		method, id := mi[0], mi[1]
		r.Add(api.Route{Method: method, Path: "/api/v1/duty-lists/{id}/items", ID: id, Tag: "duty",
			Summary: "Save the list's items as a new version (the safety office); items naming an origin_id keep that duty's tasks; answers the new version",
			Object:  "duty_list", Perm: &PermWrite, Body: ItemsInput{}, Response: List{}, Status: http.StatusCreated,
			Handler: api.CreateHandler("duty_list", m.SaveItems, m.getList, "/api/v1/duty-lists/")})
	}
	r.Add(api.Route{Method: "GET", Path: "/api/v1/tasks", ID: "listTasks", Tag: "duty",
		Summary: "The due tasks of the duties in scope", Params: TaskFilter{}, Response: Task{}, List: true, Sorts: taskSorting.Fields(),
		Handler: api.ListHandler(taskSorting, taskExport, m.tasksScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/tasks/summary", ID: "taskSummary", Tag: "duty",
		Summary: "Tasks per unit or period: total, done, done late, open, overdue (the same filters as the list)",
		Params:  SummaryParams{}, Response: Summary{}, Handler: api.QueryHandler(m.SummaryOf)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/tasks/{id}", ID: "getTask", Tag: "duty", Summary: "One task with its evidence",
		Object: "task", Response: Task{}, Handler: api.GetHandler("task", m.getTask)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/tasks/{id}/evidence", ID: "linkTaskEvidence", Tag: "duty",
		Summary: "Link evidence (an evidence id, an uploaded attachment, or an accepted hazard) to a task, which marks it done (late when past due)",
		Object:  "task", Body: EvidenceInput{}, Response: Task{}, Handler: api.ActionHandler("task", http.StatusOK, m.LinkEvidence)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/tasks/{id}/done", ID: "markTaskDone", Tag: "duty",
		Summary: "Mark a task done: refused (409) while no evidence proves it", Object: "task", Body: struct{}{}, Response: Task{},
		Handler: api.ActionHandler("task", http.StatusOK, m.MarkDone)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/tasks/{id}/confirm", ID: "confirmTask", Tag: "duty",
		Summary: "Confirm a confirm duty's task with one tap; photo_id is required (422 naming photo) when the task asks for a photo",
		Object:  "task", Body: ConfirmInput{}, Response: Task{}, Handler: api.ActionHandler("task", http.StatusOK, m.Confirm)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/evidence", ID: "listEvidence", Tag: "duty",
		Summary: "The evidence registry in scope", Params: EvidenceFilter{}, Response: EvidenceRecord{}, List: true, Sorts: evidenceSorting.Fields(),
		Handler: api.ListHandler(evidenceSorting, evidenceExport, m.evidenceScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/evidence/{id}", ID: "getEvidence", Tag: "duty", Summary: "One evidence record",
		Object: "evidence", Response: EvidenceRecord{}, Handler: api.GetHandler("evidence", m.getEvidence)})
}

func (m *Module) templatesQuery(ctx context.Context, _ *auth.Principal, _ struct{}) ([]Template, error) {
	return m.Templates(ctx, m.DB)
}

func (m *Module) listsScoped(ctx context.Context, _ auth.Scope, f ListFilter, lp api.ListParams, each func(List) error) (int, error) {
	return m.ListLists(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) tasksScoped(ctx context.Context, _ auth.Scope, f TaskFilter, lp api.ListParams, each func(Task) error) (int, error) {
	return m.ListTasks(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) evidenceScoped(ctx context.Context, _ auth.Scope, f EvidenceFilter, lp api.ListParams, each func(EvidenceRecord) error) (int, error) {
	return m.ListEvidence(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) dutiesScoped(ctx context.Context, _ auth.Scope, f DutyFilter, lp api.ListParams, each func(Duty) error) (int, error) {
	return m.ListDuties(ctx, auth.FromContext(ctx), f, lp, each)
}

// Duty is an item of a current list with its post, person and unit.
type Duty struct {
	Item
	ListID     db.ID  `json:"list_id"`
	PersonID   db.ID  `json:"person_id"`
	PersonName string `json:"person_name"`
	OrgID      db.ID  `json:"org_id"`
	OrgName    string `json:"org_name"`
	PostTitle  string `json:"post_title"`
	Year       int    `json:"year"`
}

// DutyFilter selects duties.
type DutyFilter struct {
	Body      []string `query:"body" enum:"party_committee,government,congress,cppcc,department,town"`
	Role      []string `query:"role" enum:"decide,execute,supervise,evaluate"`
	Frequency []string `query:"frequency" enum:"daily,weekly,monthly,quarterly,half_yearly,yearly,before_holidays"`
	PersonID  *db.ID   `query:"person_id"`
	OrgID     *db.ID   `query:"org_id"`
	Year      *int     `query:"year"`
	Q         string   `query:"q" doc:"duty text, basis, person or unit contains"`
}

var dutySorting = api.Sorting{
	Columns: map[string]string{"org": "o.path", "person": "p.name", "position": "i.position"},
	Default: "org", Tiebreak: "i.id",
}

var dutyExport = api.Export[Duty]{Name: "duty.export_duties", Columns: []api.Column[Duty]{
	{Header: "duty.field.org", Value: func(d Duty) any { return d.OrgName }, Width: 24},
	{Header: "duty.field.person", Value: func(d Duty) any { return d.PersonName }, Width: 10},
	{Header: "duty.field.post", Value: func(d Duty) any { return d.PostTitle }, Width: 20},
	{Header: "duty.field.text", Value: func(d Duty) any { return d.Text }, Width: 50},
	{Header: "duty.field.basis", Value: func(d Duty) any { return d.Basis }, Width: 30},
}}

const dutyFrom = ` FROM duty_items i JOIN duty_lists l ON l.id = i.list_id JOIN people p ON p.id = l.person_id JOIN orgs o ON o.id = l.org_id`

// ListDuties calls each for the items of the current lists in scope matching f.
func (m *Module) ListDuties(ctx context.Context, p *auth.Principal, f DutyFilter, lp api.ListParams, each func(Duty) error) (int, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("l.org_path"))
	w.Add("l.current = ?", true)
	w.AddCond(db.In("i.body", f.Body))
	w.AddCond(db.In("i.role", f.Role))
	w.AddCond(db.In("i.frequency", f.Frequency))
	w.Eq("l.person_id", f.PersonID)
	w.Eq("l.org_id", f.OrgID)
	w.Eq("l.year", f.Year)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "i.text", "i.basis", "p.name", "o.name"))
	lq := api.ListQuery{Select: `SELECT i.id, COALESCE(i.origin_id, i.id), i.body, i.role, i.text, i.basis, i.frequency, i.evidence, i.meeting_kind, i.photo_every,
		l.id, l.person_id, p.name, l.org_id, o.name, l.post_title, l.year` + dutyFrom, Count: dutyFrom, Where: w, Sorting: dutySorting}
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Duty, error) {
		var d Duty
		err := s.Scan(&d.ID, &d.OriginID, &d.Body, &d.Role, &d.Text, &d.Basis, &d.Frequency, &d.Evidence, &d.MeetingKind, &d.PhotoEvery,
			&d.ListID, &d.PersonID, &d.PersonName, &d.OrgID, &d.OrgName, &d.PostTitle, &d.Year)
		return d, err
	}, each)
}
