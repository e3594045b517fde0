package enterprise

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Export is the columns of an enterprise list in Excel (phones masked): the registry's,
// and the incentive list's.
var Export = api.Export[Enterprise]{Name: "enterprise.export", Columns: []api.Column[Enterprise]{
	{Header: "enterprise.field.name", Value: func(e Enterprise) any { return e.Name }, Width: 30},
	{Header: "enterprise.field.credit_code", Value: func(e Enterprise) any { return e.CreditCode }, Width: 22},
	{Header: "enterprise.field.color", Value: func(e Enterprise) any { return i18n.Key("enterprise.color." + e.Color) }, Width: 8},
	{Header: "enterprise.field.reasons", Value: func(e Enterprise) any { return reasonText(e.Reasons) }, Width: 50},
	{Header: "enterprise.field.industry", Value: func(e Enterprise) any { return i18n.Industry(e.Industry) }, Width: 14},
	{Header: "enterprise.field.town", Value: func(e Enterprise) any { return e.TownName }, Width: 12},
	{Header: "enterprise.field.village", Value: func(e Enterprise) any { return e.VillageName }, Width: 12},
	{Header: "enterprise.field.grid", Value: func(e Enterprise) any { return e.GridCode }, Width: 18},
	{Header: "enterprise.field.address", Value: func(e Enterprise) any { return e.Address }, Width: 30},
	{Header: "enterprise.field.scale", Value: func(e Enterprise) any { return i18n.Key("enterprise.scale." + e.Scale) }, Width: 8},
	{Header: "enterprise.field.legal_rep", Value: func(e Enterprise) any { return e.LegalRep }, Width: 10},
	{Header: "enterprise.field.safety_manager", Value: func(e Enterprise) any { return e.SafetyManager }, Width: 10},
	{Header: "enterprise.field.safety_phone", Value: func(e Enterprise) any { return e.SafetyPhone }, Width: 14},
	{Header: "enterprise.field.standard_grade", Value: func(e Enterprise) any { return i18n.Key("enterprise.grade." + e.StandardGrade) }, Width: 12},
	{Header: "enterprise.field.status", Value: func(e Enterprise) any { return i18n.Key("enterprise.status." + e.Status) }, Width: 10},
	{Header: "enterprise.field.open_hazards", Value: func(e Enterprise) any { return e.OpenHazards }, Width: 8},
	{Header: "enterprise.field.next_inspection", Value: func(e Enterprise) any { return api.Day(e.NextInspectionAt) }, Width: 12},
}}

func reasonText(rs []Reason) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += "；"
		}
		out += r.Text
	}
	return out
}

// Routes registers the enterprise API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises", ID: "listEnterprises", Tag: "enterprise", Summary: "List enterprises in scope (phones masked)",
		Params: Filter{}, Response: Enterprise{}, List: true, Sorts: Sorting.Fields(), Handler: api.ListHandler(Sorting, Export, m.listScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises", ID: "createEnterprise", Tag: "enterprise", Summary: "Register an enterprise",
		Perm: &PermWrite, Body: Input{}, Response: Enterprise{}, Status: http.StatusCreated, Handler: api.NewHandler(m.Create, m.get, "/api/v1/enterprises/")})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/import", ID: "importEnterprises", Tag: "enterprise",
		Summary: "Import enterprises from an .xlsx or CSV file (field file): upserts by credit code; reports created, updated and rejected rows with reasons",
		Perm:    &PermWrite, FileField: "file", Response: ImportReport{}, Handler: m.apiImport})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/import/template", ID: "enterpriseImportTemplate", Tag: "enterprise",
		Summary: "The import workbook template", Perm: &PermWrite,
		Produces: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, Handler: m.apiTemplate})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}", ID: "getEnterprise", Tag: "enterprise",
		Summary: "Get an enterprise's file; reveal=phone shows the safety manager's full phone (audited)",
		Object:  "enterprise", Params: revealParams{}, Response: Enterprise{}, Handler: api.RevealHandler("enterprise", PermContact, m.get, m.RevealContact)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/enterprises/{id}", ID: "updateEnterprise", Tag: "enterprise", Summary: "Update an enterprise",
		Perm: &PermWrite, Object: "enterprise", Body: Input{}, Response: Enterprise{}, Handler: api.ChangeHandler("enterprise", m.Update, m.get)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/color", ID: "getEnterpriseColor", Tag: "enterprise",
		Summary: "An enterprise's color, every rule that fired with its reason, the measures in force and the color history",
		Object:  "enterprise", Response: ColorDetail{}, Handler: api.GetHandler("enterprise", m.Color)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/visits", ID: "listVisits", Tag: "enterprise",
		Summary: "An enterprise's supervision visits (JSON, CSV, xlsx)", Object: "enterprise", Response: Visit{}, List: true,
		Sorts: visitSorting.Fields(), Handler: api.ListUnderHandler("enterprise", visitSorting, visitExport, m.visible, m.listVisits)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/visits", ID: "recordVisit", Tag: "enterprise",
		Summary: "Record a supervision visit (resets the inspection clock of the enterprise's color)", Perm: &PermEnforce,
		Object: "enterprise", Body: VisitInput{}, Status: http.StatusCreated, Response: Visit{}, Handler: m.apiRecordVisit})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/color-rules", ID: "getColorRules", Tag: "enterprise",
		Summary: "The color rules in force and every earlier version", Response: RulesView{}, Handler: m.apiRules})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/color-rules", ID: "saveColorRules", Tag: "enterprise",
		Summary: "Save a new version of the color rules and recolor every enterprise", Perm: &PermRules,
		Body: RuleSet{}, Response: RuleSet{}, Status: http.StatusCreated, Handler: api.BodyHandler(http.StatusCreated, m.SaveRules)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/color-rules/preview", ID: "previewColorRules", Tag: "enterprise",
		Summary: "What a candidate rule set would recolor in scope, without saving it", Perm: &PermRules,
		Body: RuleSet{}, Response: PreviewResult{}, Handler: api.BodyHandler(http.StatusOK, m.Preview)})
	m.routesRecords(r)
}

// revealParams documents the parameter api.RevealHandler reads.
type revealParams struct {
	Reveal string `query:"reveal" enum:"phone" doc:"phone: the safety manager's full phone (needs enterprise.contact; audited)"`
}

// RulesView answers GET /api/v1/color-rules.
type RulesView struct {
	Current  RuleSet   `json:"current"`
	Versions []RuleSet `json:"versions"`
	Facts    []string  `json:"facts"`
}

func (m *Module) listScoped(ctx context.Context, _ auth.Scope, f Filter, lp api.ListParams, each func(Enterprise) error) (int, error) {
	return m.List(ctx, auth.FromContext(ctx), f, lp, each)
}

// visible answers NotFound for an enterprise out of the caller's scope.
func (m *Module) visible(ctx context.Context, p *auth.Principal, id db.ID) error {
	_, err := m.Get(ctx, m.DB, p, id, false)
	return err
}

func (m *Module) listVisits(ctx context.Context, p *auth.Principal, id db.ID, _ struct{}, lp api.ListParams, each func(Visit) error) (int, error) {
	return m.ListVisits(ctx, p, id, lp, each)
}

func (m *Module) apiRecordVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	var in VisitInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	vid, err := m.RecordVisit(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	vs, err := m.Visits(r.Context(), p, id)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.ID == vid {
			return api.JSON(w, http.StatusCreated, v)
		}
	}
	return api.NoContent(w)
}

func (m *Module) apiRules(w http.ResponseWriter, r *http.Request) error {
	cur, err := m.CurrentRules(r.Context(), m.DB)
	if err != nil {
		return err
	}
	vs, err := m.RuleVersions(r.Context())
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, RulesView{Current: cur, Versions: vs, Facts: Facts})
}

// get reads an enterprise in the caller's scope, its phone masked (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (Enterprise, error) {
	return m.Get(ctx, m.DB, p, id, false)
}
