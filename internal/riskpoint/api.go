package riskpoint

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Routes registers the risk point API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points", ID: "listRiskPoints", Tag: "riskpoint",
		Summary: "Risk points of the enterprises in scope, worst grade first",
		Params:  RiskPointFilter{}, Response: RiskPoint{}, List: true, Sorts: riskSorting.Fields(),
		Handler: api.ListHandler(riskSorting, riskExport, m.listScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/summary", ID: "riskPointSummary", Tag: "riskpoint",
		Summary: "The four-color view: risk points per grade by town, enterprise or industry, with the uncontrolled major ones",
		Params:  RiskSummaryParams{}, Response: RiskSummary{}, Handler: api.QueryHandler(m.RiskSummaryOf)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/risk-points", ID: "createRiskPoint", Tag: "riskpoint",
		Summary: "Register a risk point of an enterprise (its own accounts, or enterprise.write); recolors the enterprise",
		Object:  "enterprise", Body: RiskPointInput{}, Response: RiskPoint{}, Status: http.StatusCreated, Handler: api.CreateHandler("enterprise", m.CreateRiskPoint, m.get, "/api/v1/risk-points/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/risk-points/{id}", ID: "getRiskPoint", Tag: "riskpoint", Summary: "One risk point",
		Object: "risk_point", Response: RiskPoint{}, Handler: api.GetHandler("risk_point", m.riskPointWithHistory)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/risk-points/{id}", ID: "updateRiskPoint", Tag: "riskpoint",
		Summary: "Change a risk point (its enterprise's accounts, or enterprise.write); a change of grade or controls recolors the enterprise; controls_ok false needs controls_reason when the controls worked until now",
		Object:  "risk_point", Body: RiskPointInput{}, Response: RiskPoint{}, Handler: api.ChangeHandler("risk_point", m.UpdateRiskPoint, m.riskPointWithHistory)})
	r.Add(api.Route{Method: "DELETE", Path: "/api/v1/risk-points/{id}", ID: "deleteRiskPoint", Tag: "riskpoint",
		Summary: "Remove a risk point; refused (409) while a hazard links to it", Object: "risk_point",
		Status: http.StatusNoContent, Handler: m.apiDelete})
}

func (m *Module) listScoped(ctx context.Context, _ auth.Scope, f RiskPointFilter, lp api.ListParams, each func(RiskPoint) error) (int, error) {
	return m.ListRiskPoints(ctx, auth.FromContext(ctx), f, lp, each)
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

// get reads a risk point in the caller's scope (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (RiskPoint, error) {
	return m.GetRiskPoint(ctx, m.DB, p, id)
}
