package enterprise

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// routesMore registers the API of risk points (风险分级管控), checklists and
// self-inspections (自查自报), enterprise accounts and documents (一企一档).
func (m *Module) routesMore(r *api.Registry) {
	// Risk points.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points", ID: "listRiskPoints", Tag: "enterprise",
		Summary: "Risk points of the enterprises in scope, worst grade first",
		Params:  RiskPointFilter{}, Response: RiskPoint{}, List: true, Sorts: riskSorting.Fields(),
		Handler: api.ListHandler(riskSorting, riskExport, m.listRiskScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/summary", ID: "riskPointSummary", Tag: "enterprise",
		Summary: "The four-color view: risk points per grade by town, enterprise or industry, with the uncontrolled major ones",
		Params:  RiskSummaryParams{}, Response: RiskSummary{}, Handler: m.apiRiskSummary})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/risk-points", ID: "createRiskPoint", Tag: "enterprise",
		Summary: "Register a risk point of an enterprise (its own accounts, or enterprise.write); recolors the enterprise",
		Object:  "enterprise", Body: RiskPointInput{}, Response: RiskPoint{}, Status: http.StatusCreated, Handler: m.apiCreateRiskPoint})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/{id}", ID: "getRiskPoint", Tag: "enterprise", Summary: "One risk point",
		Object: "risk_point", Response: RiskPoint{}, Handler: m.apiGetRiskPoint})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/risk-points/{id}", ID: "updateRiskPoint", Tag: "enterprise",
		Summary: "Change a risk point (its enterprise's accounts, or enterprise.write); a change of grade or controls recolors the enterprise; controls_ok false needs controls_reason when the controls worked until now",
		Object:  "risk_point", Body: RiskPointInput{}, Response: RiskPoint{}, Handler: m.apiUpdateRiskPoint})
	r.Add(api.Route{Method: "DELETE", Path: "/api/v1/risk-points/{id}", ID: "deleteRiskPoint", Tag: "enterprise",
		Summary: "Remove a risk point; refused (409) while a hazard links to it", Object: "risk_point",
		Status: http.StatusNoContent, Handler: m.apiDeleteRiskPoint})

	// Checklists and self-inspections.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/checklists", ID: "listChecklists", Tag: "enterprise",
		Summary: "Self-inspection checklists with their items: the general one and one per industry",
		Params:  ChecklistFilter{}, Response: Checklist{}, List: true, Sorts: checklistSorting.Fields(),
		Handler: api.ListHandler(checklistSorting, checklistExport, m.listChecklistsScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/self-inspections", ID: "selfInspect", Tag: "enterprise",
		Summary: "File a self-inspection of one's own enterprise: every item answered; each failed item becomes a hazard in the same transaction",
		Perm:    &PermSelfInspect, Object: "enterprise", Body: SelfInspectionInput{}, Response: SelfInspection{}, Status: http.StatusCreated,
		Handler: m.apiSelfInspect})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/self-inspections", ID: "listSelfInspections", Tag: "enterprise",
		Summary: "An enterprise's self-inspections, newest first", Object: "enterprise", Params: SelfInspectionFilter{},
		Response: SelfInspection{}, List: true, Sorts: inspectionSorting.Fields(), Handler: m.apiListSelfInspections})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/self-inspections/{id}", ID: "getSelfInspection", Tag: "enterprise",
		Summary: "One self-inspection: every item with its answer and the hazard a failed one became", Object: "self_inspection",
		Response: SelfInspection{}, Handler: m.apiGetSelfInspection})

	// Accounts.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/users", ID: "listEnterpriseAccounts", Tag: "enterprise",
		Summary: "An enterprise's accounts (enterprise.write or user.admin)", Object: "enterprise",
		Response: Account{}, List: true, Sorts: accountSorting.Fields(), Handler: m.apiListAccounts})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/users", ID: "createEnterpriseAccount", Tag: "enterprise",
		Summary: "Create an account bound to an enterprise (role enterprise, at its village, password changed at first sign-in; enterprise.write or user.admin)",
		Object:  "enterprise", Body: AccountInput{}, Response: Account{}, Status: http.StatusCreated, Handler: m.apiCreateAccount})

	// Documents.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/documents", ID: "listEnterpriseDocuments", Tag: "enterprise",
		Summary: "The documents of an enterprise's file (一企一档) with download URLs", Object: "enterprise", Params: DocumentFilter{},
		Response: Document{}, List: true, Sorts: documentSorting.Fields(), Handler: m.apiListDocuments})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/documents", ID: "addEnterpriseDocument", Tag: "enterprise",
		Summary: "Keep an uploaded file in an enterprise's file with a title and a kind (its own accounts, or enterprise.write)",
		Object:  "enterprise", Body: DocumentInput{}, Response: Document{}, Status: http.StatusCreated, Handler: m.apiAddDocument})
}

func (m *Module) listRiskScoped(ctx context.Context, _ auth.Scope, f RiskPointFilter, lp api.ListParams, each func(RiskPoint) error) (int, error) {
	return m.ListRiskPoints(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) listChecklistsScoped(ctx context.Context, _ auth.Scope, f ChecklistFilter, lp api.ListParams, each func(Checklist) error) (int, error) {
	return m.ListChecklists(ctx, f, lp, each)
}

func (m *Module) apiRiskSummary(w http.ResponseWriter, r *http.Request) error {
	var q RiskSummaryParams
	if err := api.DecodeQuery(r, &q, false); err != nil {
		return err
	}
	s, err := m.RiskSummaryOf(r.Context(), auth.FromContext(r.Context()), q)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, s)
}

func (m *Module) apiCreateRiskPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var in RiskPointInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	rid, err := m.CreateRiskPoint(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	rp, err := m.GetRiskPoint(r.Context(), m.DB, p, rid)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk-points/"+rid.String())
	return api.JSON(w, http.StatusCreated, rp)
}

func (m *Module) apiGetRiskPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "risk_point")
	if err != nil {
		return err
	}
	rp, err := m.riskPointWithHistory(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, rp)
}

func (m *Module) apiUpdateRiskPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "risk_point")
	if err != nil {
		return err
	}
	var in RiskPointInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	if err := m.UpdateRiskPoint(r.Context(), p, id, in); err != nil {
		return err
	}
	rp, err := m.riskPointWithHistory(r.Context(), p, id)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, rp)
}

func (m *Module) apiDeleteRiskPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "risk_point")
	if err != nil {
		return err
	}
	if err := m.DeleteRiskPoint(r.Context(), auth.FromContext(r.Context()), id); err != nil {
		return err
	}
	return api.NoContent(w)
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

func (m *Module) apiListAccounts(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	if err := api.DecodeQuery(r, nil, true); err != nil {
		return err
	}
	lp, err := api.ParseList(r, accountSorting)
	if err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	return api.ServeList(w, r, lp, accountExport, func(ctx context.Context, lp api.ListParams, each func(Account) error) (int, error) {
		return m.ListAccounts(ctx, p, id, lp, each)
	})
}

func (m *Module) apiCreateAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var in AccountInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	uid, err := m.CreateAccount(r.Context(), auth.FromContext(r.Context()), id, in)
	if err != nil {
		return err
	}
	a, err := m.account(r.Context(), id, uid)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusCreated, a)
}

func (m *Module) apiListDocuments(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var f DocumentFilter
	if err := api.DecodeQuery(r, &f, true); err != nil {
		return err
	}
	lp, err := api.ParseList(r, documentSorting)
	if err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	return api.ServeList(w, r, lp, documentExport, func(ctx context.Context, lp api.ListParams, each func(Document) error) (int, error) {
		return m.ListDocuments(ctx, p, id, f, lp, each)
	})
}

func (m *Module) apiAddDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var in DocumentInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	d, err := m.AddDocument(r.Context(), auth.FromContext(r.Context()), id, in)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusCreated, d)
}
