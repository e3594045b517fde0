package enforcement

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Routes registers the API of the enforcement ladder, the joint-constraint list and the
// incentive list.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/enforcement", ID: "listEnterpriseEnforcement", Tag: "enforcement",
		Summary: "An enterprise's enforcement steps", Object: "enterprise", Response: Enforcement{}, List: true,
		Sorts: enforcementSorting.Fields(), Handler: api.ListUnderHandler("enterprise", enforcementSorting, enforcementExport, m.enterpriseVisible, m.listOfEnterprise)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/enforcement", ID: "enforce", Tag: "enforcement",
		Summary: "Record an enforcement step: rectification order, penalty, maximum penalty, suspension, closure proposal",
		Perm:    &enterprise.PermEnforce, Object: "enterprise", Body: EnforcementInput{}, Response: Enforcement{}, Status: http.StatusCreated,
		Handler: api.CreateHandler("enterprise", m.Enforce, m.get, "/api/v1/enforcement/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enforcement", ID: "listEnforcement", Tag: "enforcement", Summary: "Enforcement steps in scope",
		Params: EnforcementFilter{}, Response: Enforcement{}, List: true, Sorts: enforcementSorting.Fields(),
		Handler: api.ListHandler(enforcementSorting, enforcementExport, m.listEnforcementScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enforcement/{id}", ID: "getEnforcement", Tag: "enforcement", Summary: "One enforcement step",
		Object: "enforcement", Response: Enforcement{}, Handler: api.GetHandler("enforcement", m.get)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enforcement/{id}/outcome", ID: "setEnforcementOutcome", Tag: "enforcement",
		Summary: "Close a pending step: passed, failed, refused or done", Perm: &enterprise.PermEnforce, Object: "enforcement",
		Body: OutcomeInput{}, Response: Enforcement{}, Handler: api.ChangeHandler("enforcement", m.SetOutcome, m.get)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/constraints", ID: "listConstraints", Tag: "enforcement",
		Summary: "The joint-constraint list: red enterprises in scope with the measures in force, since when and why (JSON, CSV, xlsx)",
		Params:  ConstraintFilter{}, Response: ConstraintRow{}, List: true, Sorts: constraintSorting.Fields(),
		Handler: api.ListHandler(constraintSorting, constraintExport, m.listConstraintsScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/incentives", ID: "listIncentives", Tag: "enforcement",
		Summary: "Green enterprises listed for incentives: standardization level 1 or 2 and no penalty in 12 months",
		Params:  enterprise.Filter{}, Response: enterprise.Enterprise{}, List: true, Sorts: enterprise.Sorting.Fields(),
		Handler: api.ListHandler(enterprise.Sorting, enterprise.Export, m.listIncentives)})
}

var enforcementExport = api.Export[Enforcement]{Name: "enterprise.export_enforcement", Columns: []api.Column[Enforcement]{
	{Header: "enterprise.field.name", Value: func(a Enforcement) any { return a.EnterpriseName }, Width: 30},
	{Header: "enterprise.field.enforcement_kind", Value: func(a Enforcement) any { return i18n.Key("enterprise.enforcement." + a.Kind) }, Width: 14},
	{Header: "enterprise.field.decided_at", Value: func(a Enforcement) any { return api.Day(&a.DecidedAt) }, Width: 12},
	{Header: "enterprise.field.doc_number", Value: func(a Enforcement) any { return a.DocNumber }, Width: 20},
	{Header: "enterprise.field.amount_yuan", Value: func(a Enforcement) any { return a.AmountYuan }, Width: 12},
	{Header: "ent.field.deadline", Value: func(a Enforcement) any { return api.DueDay(a.Deadline) }, Width: 12},
	{Header: "enterprise.field.outcome", Value: func(a Enforcement) any { return i18n.Key("enterprise.outcome." + a.Outcome) }, Width: 10},
	{Header: "enterprise.field.org", Value: func(a Enforcement) any { return a.OrgName }, Width: 20},
	{Header: "enterprise.field.reason", Value: func(a Enforcement) any { return a.Reason }, Width: 40},
}}

func (m *Module) listEnforcementScoped(ctx context.Context, _ auth.Scope, f EnforcementFilter, lp api.ListParams, each func(Enforcement) error) (int, error) {
	return m.ListEnforcement(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) listConstraintsScoped(ctx context.Context, _ auth.Scope, f ConstraintFilter, lp api.ListParams, each func(ConstraintRow) error) (int, error) {
	return m.ListConstraints(ctx, auth.FromContext(ctx), f, lp, each)
}

// enterpriseVisible answers NotFound for an enterprise out of the caller's scope.
func (m *Module) enterpriseVisible(ctx context.Context, p *auth.Principal, id db.ID) error {
	_, err := m.Registry.Get(ctx, m.DB, p, id, false)
	return err
}

func (m *Module) listOfEnterprise(ctx context.Context, p *auth.Principal, id db.ID, _ struct{}, lp api.ListParams, each func(Enforcement) error) (int, error) {
	return m.ListEnforcement(ctx, p, EnforcementFilter{EnterpriseID: &id}, lp, each)
}

// get reads an enforcement step in the caller's scope with its files (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (Enforcement, error) {
	return m.GetEnforcement(ctx, m.DB, p, id)
}
