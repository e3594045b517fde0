package riskpoint

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// Routes registers the risk point API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points", ID: "listRiskPoints", Tag: "riskpoint",
		Summary: "Risk points of the enterprises in scope, worst grade first",
		Params:  RiskPointFilter{}, Response: RiskPoint{}, List: true, Sorts: riskSorting.Fields(),
		Handler: api.ListHandler(riskSorting, riskExport, m.listScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/summary", ID: "riskPointSummary", Tag: "riskpoint",
		Summary: "The four-color view: risk points per grade by town, enterprise or industry, with the uncontrolled major ones",
		Params:  RiskSummaryParams{}, Response: RiskSummary{}, Handler: m.apiSummary})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/risk-points", ID: "createRiskPoint", Tag: "riskpoint",
		Summary: "Register a risk point of an enterprise (its own accounts, or enterprise.write); recolors the enterprise",
		Object:  "enterprise", Body: RiskPointInput{}, Response: RiskPoint{}, Status: http.StatusCreated, Handler: m.apiCreate})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/{id}", ID: "getRiskPoint", Tag: "riskpoint", Summary: "One risk point",
		Object: "risk_point", Response: RiskPoint{}, Handler: m.apiGet})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/risk-points/{id}", ID: "updateRiskPoint", Tag: "riskpoint",
		Summary: "Change a risk point (its enterprise's accounts, or enterprise.write); a change of grade or controls recolors the enterprise; controls_ok false needs controls_reason when the controls worked until now",
		Object:  "risk_point", Body: RiskPointInput{}, Response: RiskPoint{}, Handler: m.apiUpdate})
	r.Add(api.Route{Method: "DELETE", Path: "/api/v1/risk-points/{id}", ID: "deleteRiskPoint", Tag: "riskpoint",
		Summary: "Remove a risk point; refused (409) while a hazard links to it", Object: "risk_point",
		Status: http.StatusNoContent, Handler: m.apiDelete})
}

func (m *Module) listScoped(ctx context.Context, _ auth.Scope, f RiskPointFilter, lp api.ListParams, each func(RiskPoint) error) (int, error) {
	return m.ListRiskPoints(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) apiSummary(w http.ResponseWriter, r *http.Request) error {
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

func (m *Module) apiCreate(w http.ResponseWriter, r *http.Request) error {
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

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
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

func (m *Module) apiUpdate(w http.ResponseWriter, r *http.Request) error {
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

func (m *Module) apiDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "risk_point")
	if err != nil {
		return err
	}
	if err := m.DeleteRiskPoint(r.Context(), auth.FromContext(r.Context()), id); err != nil {
		return err
	}
	return api.NoContent(w)
}
