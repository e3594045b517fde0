package hazard

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// export is the columns of a hazard list in Excel, shared by the API and the pages.
var export = api.Export[Hazard]{Name: "hazard.export", Columns: []api.Column[Hazard]{
	{Header: "hazard.field.code", Value: func(h Hazard) any { return h.Code }, Width: 16},
	{Header: "hazard.field.title", Value: func(h Hazard) any { return h.Title }, Width: 30},
	{Header: "hazard.field.status", Value: func(h Hazard) any { return i18n.Key("hazard.status." + string(h.Status)) }, Width: 10},
	{Header: "hazard.field.grade", Value: func(h Hazard) any { return i18n.Key("hazard.grade." + h.Grade) }, Width: 8},
	{Header: "hazard.field.overdue", Value: func(h Hazard) any { return h.Overdue }, Width: 8},
	{Header: "hazard.field.source", Value: func(h Hazard) any { return i18n.Key("hazard.source." + h.Source) }, Width: 12},
	{Header: "hazard.field.category", Value: func(h Hazard) any { return i18n.Key("hazard.category." + h.Category) }, Width: 12},
	{Header: "hazard.field.industry", Value: func(h Hazard) any { return i18n.Industry(h.Industry) }, Width: 14},
	{Header: "hazard.field.town", Value: func(h Hazard) any { return h.TownName }, Width: 12},
	{Header: "hazard.field.village", Value: func(h Hazard) any { return h.VillageName }, Width: 12},
	{Header: "hazard.field.grid", Value: func(h Hazard) any { return h.GridCode }, Width: 18},
	{Header: "hazard.field.where", Value: func(h Hazard) any { return where(h) }, Width: 24},
	{Header: "hazard.field.found_at", Value: func(h Hazard) any { return h.FoundAt }, Width: 17},
	{Header: "hazard.field.found_by", Value: func(h Hazard) any { return h.FoundByName }, Width: 12},
	{Header: "hazard.field.owner", Value: func(h Hazard) any { return h.OwnerName }, Width: 12},
	{Header: "hazard.field.supervisor", Value: func(h Hazard) any { return h.SupervisorName }, Width: 20},
	{Header: "hazard.field.deadline", Value: func(h Hazard) any { return api.DueDay(h.Deadline) }, Width: 12},
	{Header: "hazard.field.closed_at", Value: func(h Hazard) any { return h.ClosedAt }, Width: 17},
}}

var historyExport = api.Export[Event]{Name: "hazard.export_history", Columns: []api.Column[Event]{
	{Header: "hazard.field.at", Value: func(e Event) any { return e.At }, Width: 17},
	{Header: "hazard.field.actor", Value: func(e Event) any { return e.ActorName }, Width: 14},
	{Header: "hazard.field.action", Value: func(e Event) any { return i18n.Key("hazard.action." + e.Action) }, Width: 12},
	{Header: "hazard.field.from", Value: func(e Event) any { return statusKey(e.From) }, Width: 10},
	{Header: "hazard.field.to", Value: func(e Event) any { return statusKey(e.To) }, Width: 10},
	{Header: "hazard.field.comment", Value: func(e Event) any { return e.Comment }, Width: 40},
	{Header: "hazard.field.attachments", Value: func(e Event) any { return len(e.Attachments) }, Width: 8},
}}

func statusKey(s string) any {
	if s == "" {
		return ""
	}
	return i18n.Key("hazard.status." + s)
}

func where(h Hazard) string {
	if h.EnterpriseName != "" {
		return h.EnterpriseName
	}
	return h.Place
}

// Routes registers the hazard API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/hazards", ID: "listHazards", Tag: "hazard", Summary: "List hazards in scope",
		Params: Filter{}, Response: Hazard{}, List: true, Sorts: sorting.Fields(), Handler: api.ListHandler(sorting, export, m.listScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/hazards", ID: "reportHazard", Tag: "hazard", Summary: "Report a hazard",
		Perm: &PermReport, Body: ReportInput{}, Response: Hazard{}, Status: http.StatusCreated, Handler: api.NewHandler(m.Report, m.get, "/api/v1/hazards/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/hazards/stats", ID: "hazardStats", Tag: "hazard",
		Summary: "The three clears (三清) and loop figures of the hazards in scope matching the filters",
		Params:  StatsParams{}, Response: StatsResult{}, Handler: api.QueryHandler(m.Stats)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/hazards/{id}", ID: "getHazard", Tag: "hazard", Summary: "Get one hazard, with the actions the caller may take",
		Object: "hazard", Response: Hazard{}, Handler: api.GetHandler("hazard", m.get)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/hazards/{id}", ID: "updateHazard", Tag: "hazard", Summary: "Correct a hazard while it is still reported",
		Object: "hazard", Body: UpdateInput{}, Response: Hazard{}, Handler: api.ChangeHandler("hazard", m.Update, m.get)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/hazards/{id}/actions", ID: "actOnHazard", Tag: "hazard",
		Summary: "Move a hazard through the loop: assign, start, submit, accept, reject, or comment",
		Object:  "hazard", Body: ActionInput{}, Response: Hazard{}, Handler: api.ActionHandler("hazard", http.StatusOK, m.Act)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/hazards/{id}/history", ID: "hazardHistory", Tag: "hazard", Summary: "Every step of a hazard: who, when, from, to, comment, attachments",
		Object: "hazard", Response: Event{}, List: true, Handler: m.apiHistory})
}

func (m *Module) listScoped(ctx context.Context, sc auth.Scope, f Filter, lp api.ListParams, each func(Hazard) error) (int, error) {
	return m.List(ctx, auth.FromContext(ctx), f, lp, each)
}

// get reads a hazard in the caller's scope (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (Hazard, error) {
	return m.Get(ctx, m.DB, p, id)
}

func (m *Module) apiHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "hazard")
	if err != nil {
		return err
	}
	if err := api.DecodeQuery(r, nil, true); err != nil {
		return err
	}
	events, err := m.History(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	lp, err := api.ParseList(r, api.Sorting{Columns: map[string]string{"id": "id"}, Default: "id"})
	if err != nil {
		return err
	}
	lp.PerPage = max(len(events), 1) // the whole history on one page
	return api.ServeList(w, r, lp, historyExport, func(_ context.Context, _ api.ListParams, each func(Event) error) (int, error) {
		for _, e := range events {
			if err := each(e); err != nil {
				return 0, err
			}
		}
		return len(events), nil
	})
}
