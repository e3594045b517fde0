package enterprise

import (
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Risk points (风险分级管控): an enterprise's four-color table (重大 red, 较大 orange,
// 一般 yellow, 低 blue) kept by its own accounts and the units that may edit it, and the
// four-color view of a town or the district.

// riskPointsView is an enterprise's risk points.
type riskPointsView struct {
	E       Enterprise
	Items   []RiskPoint
	Checks  map[db.ID][]RiskCheck // each item's history of checks
	Counts  riskCounts
	Grade   string // the grade filter
	Grades  []string
	CanKeep bool
	Self    bool
	Form    *formState
}

// riskPointsPage shows an enterprise's risk points, optionally of one grade.
func (m *Module) riskPointsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		if err != nil {
			return err
		}
		grade := r.URL.Query().Get("grade")
		if grade != "" && !contains(RiskGrades, grade) {
			grade = ""
		}
		f := newForm()
		f.V.Set("grade", "general")
		return m.renderRiskPoints(w, r, s, t, http.StatusOK, e, grade, f)
	}
}

// renderRiskPoints renders the risk points with the add form f.
func (m *Module) renderRiskPoints(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, e Enterprise, grade string, f *formState) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := riskPointsView{E: e, Grade: grade, Grades: RiskGrades, Form: f}
	v.Self = p.Scope.EnterpriseID != nil && *p.Scope.EnterpriseID == e.ID
	v.CanKeep = (v.Self || p.Can(PermWrite)) && e.Status != "closed"
	_, err := m.ListRiskPoints(ctx, p, RiskPointFilter{EnterpriseID: &e.ID}, api.ListParams{Page: 1, PerPage: 0, Sort: "-grade"},
		func(rp RiskPoint) error {
			v.Counts.add(rp)
			if grade == "" || rp.Grade == grade {
				v.Items = append(v.Items, rp)
			}
			return nil
		})
	if err != nil {
		return err
	}
	ids := make([]db.ID, len(v.Items))
	for i, rp := range v.Items {
		ids[i] = rp.ID
	}
	if v.Checks, err = riskChecks(ctx, m.DB, ids); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.riskPoints, v)
}

// riskPointSubmit registers a risk point and shows the table again.
func (m *Module) riskPointSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.writable(ctx, m.DB, p, id)
		if err != nil {
			return err
		}
		f, err := postedForm(r)
		if err != nil {
			return err
		}
		ok := f.V.Get("controls_ok") != "false"
		in := RiskPointInput{Name: ptr(f.V, "name"), Place: ptr(f.V, "place"), HazardFactors: ptr(f.V, "hazard_factors"),
			AccidentTypes: ptr(f.V, "accident_types"), ControlMeasures: ptr(f.V, "control_measures"), Responsible: ptr(f.V, "responsible"),
			ControlsOK: &ok, ControlsReason: ptr(f.V, "controls_reason")}
		if g := strings.TrimSpace(f.V.Get("grade")); g != "" {
			in.Grade = &g
		}
		if _, err := m.CreateRiskPoint(ctx, p, id, in); err != nil {
			status, ok := f.refuse(r, err)
			if !ok {
				return err
			}
			return m.renderRiskPoints(w, r, s, t, status, e, "", f)
		}
		web.SetFlash(w, "flash.ent_risk_added")
		http.Redirect(w, r, "/enterprises/"+id.String()+"/risk-points", http.StatusSeeOther)
		return nil
	}
}

// riskControlsView is the confirmation step of marking a risk point's controls failed:
// what it would do to the enterprise, and the reason to give.
type riskControlsView struct {
	RP          RiskPoint
	E           Enterprise
	Consequence FailConsequence
	Form        *formState
}

// riskControlsPage asks to confirm that a risk point's controls fail, saying what that
// does to the enterprise's color (a major one out of control turns it red and puts it on
// the joint-constraint list), and for the reason. It works without scripts and on a phone.
func (m *Module) riskControlsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "risk_point")
		if err != nil {
			return err
		}
		return m.renderRiskControls(w, r, s, t, http.StatusOK, id, newForm())
	}
}

// renderRiskControls renders the confirmation step of risk point id with the form f.
func (m *Module) renderRiskControls(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, id db.ID, f *formState) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	rp, err := m.GetRiskPoint(ctx, m.DB, p, id)
	if err != nil {
		return err
	}
	e, err := m.writable(ctx, m.DB, p, rp.EnterpriseID)
	if err != nil {
		return err
	}
	v := riskControlsView{RP: rp, E: e, Form: f}
	if v.Consequence, err = m.failConsequence(ctx, i18n.FromContext(ctx), rp); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.riskControls, v)
}

// riskControlsSubmit records that a risk point's controls work (or do not, with the
// reason the confirmation step asks for): a major one whose controls fail turns its
// enterprise red.
func (m *Module) riskControlsSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := pathID(r, "id", "risk_point")
		if err != nil {
			return err
		}
		rp, err := m.GetRiskPoint(ctx, m.DB, p, id)
		if err != nil {
			return err
		}
		f, err := postedForm(r)
		if err != nil {
			return err
		}
		ok := f.V.Get("controls_ok") == "true"
		if err := m.UpdateRiskPoint(ctx, p, id, RiskPointInput{ControlsOK: &ok, ControlsReason: ptr(f.V, "controls_reason")}); err != nil {
			status, isForm := f.refuse(r, err)
			if !isForm || ok {
				return err
			}
			return m.renderRiskControls(w, r, s, t, status, id, f)
		}
		flash := "flash.ent_risk_checked"
		if !ok {
			flash = "flash.ent_risk_failed"
		}
		web.SetFlash(w, flash)
		http.Redirect(w, r, "/enterprises/"+rp.EnterpriseID.String()+"/risk-points#rp-"+id.String(), http.StatusSeeOther)
		return nil
	}
}

// riskMapView is the four-color view (四色图) of the caller's scope.
type riskMapView struct {
	Summary      RiskSummary
	Group        string
	Chart        map[string]any
	Uncontrolled []RiskPoint
	UncTotal     int
}

// riskMapPage is the four-color view of the caller's scope (/risk-points), by town
// (district), enterprise (town) or industry.
func (m *Module) riskMapPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if p.Scope.EnterpriseID != nil { // an enterprise sees its own table
			http.Redirect(w, r, "/enterprises/"+p.Scope.EnterpriseID.String()+"/risk-points", http.StatusSeeOther)
			return nil
		}
		var q RiskSummaryParams
		if err := api.DecodeQuery(r, &q, false); err != nil {
			return err
		}
		if q.Group == "" {
			q.Group = "town"
			if scopeDepth(p) > 1 {
				q.Group = "enterprise"
			}
		}
		sum, err := m.RiskSummaryOf(ctx, p, q)
		if err != nil {
			return err
		}
		v := riskMapView{Summary: sum, Group: q.Group}
		if q.Group != "enterprise" && len(sum.Rows) > 0 {
			v.Chart = riskChart(i18n.FromContext(ctx), sum)
		}
		no := false
		v.UncTotal, err = m.ListRiskPoints(ctx, p, RiskPointFilter{Grade: []string{"major"}, ControlsOK: &no},
			api.ListParams{Page: 1, PerPage: 20, Sort: "enterprise"}, func(rp RiskPoint) error {
				v.Uncontrolled = append(v.Uncontrolled, rp)
				return nil
			})
		if err != nil {
			return err
		}
		return s.Render(w, r, t.riskMap, v)
	}
}

// riskChart is the ECharts option of the four-color bars: each group's risk points per
// grade, stacked in the map's colors.
func riskChart(loc i18n.Localizer, sum RiskSummary) map[string]any {
	names := make([]string, len(sum.Rows))
	series := []any{}
	colors := map[string]string{"major": "#d7263d", "significant": "#f08c00", "general": "#f2c200", "low": "#2f6fde"}
	for i, r := range sum.Rows {
		names[i] = r.Name
	}
	for _, g := range RiskGrades {
		data := make([]int, len(sum.Rows))
		for i, r := range sum.Rows {
			data[i] = map[string]int{"major": r.Major, "significant": r.Significant, "general": r.General, "low": r.Low}[g]
		}
		series = append(series, map[string]any{"name": loc.T("ent.risk." + g), "type": "bar", "stack": "risk", "data": data,
			"barMaxWidth": 40, "itemStyle": map[string]any{"color": colors[g]}})
	}
	rotate := 0
	if len(names) > 8 {
		rotate = 35
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":  map[string]any{"top": 0, "left": 0, "itemWidth": 12, "itemHeight": 12},
		"grid":    map[string]any{"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": true},
		"xAxis": map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0, "rotate": rotate, "color": "#5f6b7c"},
			"axisTick": map[string]any{"show": false}, "axisLine": map[string]any{"lineStyle": map[string]any{"color": "#cfd7e3"}}},
		"yAxis": map[string]any{"type": "value", "minInterval": 1, "axisLabel": map[string]any{"color": "#8a95a5"},
			"splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eef1f5"}}},
		"series": series,
	}
}
