package selfinspect

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Routes registers the API of checklists and self-inspections.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/checklists", ID: "listChecklists", Tag: "selfinspect",
		Summary: "Self-inspection checklists with their items: the general one and one per industry",
		Params:  ChecklistFilter{}, Response: Checklist{}, List: true, Sorts: checklistSorting.Fields(),
		Handler: api.ListHandler(checklistSorting, checklistExport, m.listChecklistsScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/self-inspections", ID: "selfInspect", Tag: "selfinspect",
		Summary: "File a self-inspection of one's own enterprise: every item answered; each failed item becomes a hazard in the same transaction",
		Perm:    &PermSelfInspect, Object: "enterprise", Body: SelfInspectionInput{}, Response: SelfInspection{}, Status: http.StatusCreated,
		Handler: api.CreateHandler("enterprise", m.SelfInspect, m.get, "/api/v1/self-inspections/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/self-inspections", ID: "listSelfInspections", Tag: "selfinspect",
		Summary: "An enterprise's self-inspections, newest first", Object: "enterprise", Params: SelfInspectionFilter{},
		Response: SelfInspection{}, List: true, Sorts: inspectionSorting.Fields(), Handler: api.ListUnderHandler("enterprise", inspectionSorting, inspectionExport, nil, m.ListSelfInspections)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/self-inspections/{id}", ID: "getSelfInspection", Tag: "selfinspect",
		Summary: "One self-inspection: every item with its answer and the hazard a failed one became", Object: "self_inspection",
		Response: SelfInspection{}, Handler: api.GetHandler("self_inspection", m.get)})
}

func (m *Module) listChecklistsScoped(ctx context.Context, _ auth.Scope, f ChecklistFilter, lp api.ListParams, each func(Checklist) error) (int, error) {
	return m.ListChecklists(ctx, f, lp, each)
}

// get reads a self-inspection in the caller's scope with its answers (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (SelfInspection, error) {
	return m.GetSelfInspection(ctx, m.DB, p, id)
}
