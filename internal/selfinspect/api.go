package selfinspect

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
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
		Handler: m.apiSelfInspect})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/self-inspections", ID: "listSelfInspections", Tag: "selfinspect",
		Summary: "An enterprise's self-inspections, newest first", Object: "enterprise", Params: SelfInspectionFilter{},
		Response: SelfInspection{}, List: true, Sorts: inspectionSorting.Fields(), Handler: m.apiListSelfInspections})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/self-inspections/{id}", ID: "getSelfInspection", Tag: "selfinspect",
		Summary: "One self-inspection: every item with its answer and the hazard a failed one became", Object: "self_inspection",
		Response: SelfInspection{}, Handler: m.apiGetSelfInspection})
}

func (m *Module) listChecklistsScoped(ctx context.Context, _ auth.Scope, f ChecklistFilter, lp api.ListParams, each func(Checklist) error) (int, error) {
	return m.ListChecklists(ctx, f, lp, each)
}

func (m *Module) apiSelfInspect(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var in SelfInspectionInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	sid, err := m.SelfInspect(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	s, err := m.GetSelfInspection(r.Context(), m.DB, p, sid)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/self-inspections/"+sid.String())
	return api.JSON(w, http.StatusCreated, s)
}

func (m *Module) apiListSelfInspections(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var f SelfInspectionFilter
	if err := api.DecodeQuery(r, &f, true); err != nil {
		return err
	}
	lp, err := api.ParseList(r, inspectionSorting)
	if err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	return api.ServeList(w, r, lp, inspectionExport, func(ctx context.Context, lp api.ListParams, each func(SelfInspection) error) (int, error) {
		return m.ListSelfInspections(ctx, p, id, f, lp, each)
	})
}

func (m *Module) apiGetSelfInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "self_inspection")
	if err != nil {
		return err
	}
	s, err := m.GetSelfInspection(r.Context(), m.DB, auth.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, s)
}
