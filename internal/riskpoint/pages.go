package riskpoint

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Risk points (风险分级管控): an enterprise's four-color table (重大 red, 较大 orange,
// 一般 yellow, 低 blue) kept by its own accounts and the units that may edit it, and the
// four-color view of a town or the district; on the enterprise's file, the counts per
// grade, and on its own account's home panel, how many of them are out of control.

// pageTemplates are the parsed templates of the risk point pages.
type pageTemplates struct {
	points, riskMap, controls *template.Template
}

// Pages registers the risk point pages and adds the risk points to the enterprise's
// pages (its file's section, its account's home panel). It uses the registry's page
// parts, so the wiring calls it after the enterprise's Pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("riskpoint", files, "static/riskpoint.css")
	t := pageTemplates{
		points:   s.MustParse(files, "templates/risk_points.html"),
		riskMap:  s.MustParse(files, "templates/risk_map.html"),
		controls: s.MustParse(files, "templates/risk_controls.html"),
	}
	s.Handle(web.Page{Path: "/enterprises/{id}/risk-points", Object: "enterprise", Handler: m.pointsPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/risk-points", Object: "enterprise", Handler: m.pointSubmit(s, t)})
	s.Handle(web.Page{Path: "/risk-points/{id}/controls", Object: "risk_point", Handler: m.controlsPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/risk-points/{id}/controls", Object: "risk_point", Handler: m.controlsSubmit(s, t)})
	s.Handle(web.Page{Path: "/risk-points", Handler: m.mapPage(s, t)})

	parts := s.MustParse(files, "templates/parts.html")
	m.Registry.AddPart(enterprise.Part{Slot: enterprise.SlotFile, Order: 40, Template: parts, Name: "risk-file-section", Data: m.fileSection})
	m.Registry.AddPart(enterprise.Part{Slot: enterprise.SlotPortalFigure, Order: 10, Template: parts, Name: "risk-portal-figure", Data: m.portalFigure})
}

// fileSectionData is the risk points' section of an enterprise's file.
type fileSectionData struct {
	E       enterprise.Enterprise
	Risk    riskCounts
	CanKeep bool
}

// fileSection counts an enterprise's risk points per grade for its file.
func (m *Module) fileSection(r *http.Request, pv enterprise.PartView) (any, error) {
	p := auth.FromContext(r.Context())
	d := fileSectionData{E: pv.E, CanKeep: pv.Self || p.Can(enterprise.PermWrite)}
	_, err := m.ListRiskPoints(r.Context(), p, RiskPointFilter{EnterpriseID: &pv.E.ID}, api.ListParams{Page: 1, PerPage: 0, Sort: "-grade"},
		func(rp RiskPoint) error {
			d.Risk.add(rp)
			return nil
		})
	return d, err
}

// portalFigureData is the risk points' figure on an enterprise account's home panel.
type portalFigureData struct {
	E                       enterprise.Enterprise
	RiskTotal, Uncontrolled int
}

// portalFigure counts an enterprise's risk points and the major ones out of control.
func (m *Module) portalFigure(r *http.Request, pv enterprise.PartView) (any, error) {
	d := portalFigureData{E: pv.E}
	_, err := m.ListRiskPoints(r.Context(), auth.FromContext(r.Context()), RiskPointFilter{EnterpriseID: &pv.E.ID},
		api.ListParams{Page: 1, PerPage: 0, Sort: "-grade"}, func(rp RiskPoint) error {
			d.RiskTotal++
			if rp.Grade == "major" && !rp.ControlsOK {
				d.Uncontrolled++
			}
			return nil
		})
	return d, err
}

// riskCounts are an enterprise's risk points per grade.
type riskCounts struct {
	Major, Significant, General, Low, Total, Uncontrolled int
}

// add counts one risk point.
func (c *riskCounts) add(rp RiskPoint) {
	switch rp.Grade {
	case "major":
		c.Major++
		if !rp.ControlsOK {
			c.Uncontrolled++
		}
	case "significant":
		c.Significant++
	case "general":
		c.General++
	default:
		c.Low++
	}
	c.Total++
}

// riskPointsView is an enterprise's risk points.
type riskPointsView struct {
	E       enterprise.Enterprise
	Items   []RiskPoint
	Checks  map[db.ID][]RiskCheck // each item's history of checks
	Counts  riskCounts
	Grade   string // the grade filter
	Grades  []string
	CanKeep bool
	Self    bool
	Form    *web.Form
}

// pointsPage shows an enterprise's risk points, optionally of one grade.
func (m *Module) pointsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, e, err := web.PathRecord(r, "enterprise", func(id db.ID) (enterprise.Enterprise, error) {
			return m.Registry.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		})
		if err != nil {
			return err
		}
		grade := r.URL.Query().Get("grade")
		if grade != "" && !slices.Contains(RiskGrades, grade) {
			grade = ""
		}
		f := web.NewForm(url.Values{"grade": {"general"}})
		return m.renderPoints(w, r, s, t, http.StatusOK, e, grade, f)
	}
}

// renderPoints renders the risk points with the add form f.
func (m *Module) renderPoints(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, e enterprise.Enterprise, grade string, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := riskPointsView{E: e, Grade: grade, Grades: RiskGrades, Form: f}
	v.Self = p.Scope.EnterpriseID != nil && *p.Scope.EnterpriseID == e.ID
	v.CanKeep = (v.Self || p.Can(enterprise.PermWrite)) && e.Status != "closed"
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
	return s.RenderStatus(w, r, status, t.points, v)
}

// pointSubmit registers a risk point and shows the table again.
func (m *Module) pointSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, e, f, err := web.RecordForm(r, "enterprise", func(id db.ID) (enterprise.Enterprise, error) { return m.Registry.Writable(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		var in RiskPointInput
		if err = f.Decode(&in); err == nil {
			_, err = m.CreateRiskPoint(ctx, p, id, in)
		}
		return f.Done(w, r, err, "flash.ent_risk_added", "/enterprises/"+id.String()+"/risk-points", func() error {
			return m.renderPoints(w, r, s, t, f.Status, e, "", f)
		})
	}
}

// riskControlsView is the confirmation step of marking a risk point's controls failed:
// what it would do to the enterprise, and the reason to give.
type riskControlsView struct {
	RP          RiskPoint
	E           enterprise.Enterprise
	Consequence enterprise.WhatIf
	Form        *web.Form
}

// riskControlsPage asks to confirm that a risk point's controls fail, saying what that
// does to the enterprise's color (a major one out of control turns it red and puts it on
// the joint-constraint list), and for the reason. It works without scripts and on a phone.
func (m *Module) controlsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "risk_point")
		if err != nil {
			return err
		}
		return m.renderControls(w, r, s, t, http.StatusOK, id, web.NewForm(nil))
	}
}

// renderControls renders the confirmation step of risk point id with the form f.
func (m *Module) renderControls(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, id db.ID, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	rp, err := m.GetRiskPoint(ctx, m.DB, p, id)
	if err != nil {
		return err
	}
	e, err := m.Registry.Writable(ctx, m.DB, p, rp.EnterpriseID)
	if err != nil {
		return err
	}
	v := riskControlsView{RP: rp, E: e, Form: f}
	if v.Consequence, err = m.failConsequence(ctx, rp); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.controls, v)
}

// riskControlsSubmit records that a risk point's controls work (or do not, with the
// reason the confirmation step asks for): a major one whose controls fail turns its
// enterprise red.
func (m *Module) controlsSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, rp, f, err := web.RecordForm(r, "risk_point", func(id db.ID) (RiskPoint, error) { return m.GetRiskPoint(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		var form RiskPointInput
		err = f.Decode(&form)
		ok := form.ControlsOK != nil && *form.ControlsOK
		if err == nil { // a check: what its form holds, the controls and the reason
			err = m.UpdateRiskPoint(ctx, p, id, RiskPointInput{ControlsOK: &ok, ControlsReason: form.ControlsReason})
		}
		if err != nil {
			if !f.Refuse(r, err) || ok {
				return err
			}
			return m.renderControls(w, r, s, t, f.Status, id, f)
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
func (m *Module) mapPage(s *web.Site, t pageTemplates) web.HandlerFunc {
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
			api.ListParams{Page: 1, PerPage: 20, Sort: "enterprise"}, web.Collect(&v.Uncontrolled))
		if err != nil {
			return err
		}
		return s.Render(w, r, t.riskMap, v)
	}
}

// riskChart is the ECharts option of the four-color bars: each group's risk points per
// grade, stacked in the map's colors.
func riskChart(loc i18n.Localizer, sum RiskSummary) map[string]any {
	c := web.BarChart{Categories: make([]string, len(sum.Rows)), Stack: "risk"}
	for i, r := range sum.Rows {
		c.Categories[i] = r.Name
	}
	for _, g := range RiskGrades {
		data := make([]int, len(sum.Rows))
		for i, r := range sum.Rows {
			data[i] = map[string]int{"major": r.Major, "significant": r.Significant, "general": r.General, "low": r.Low}[g]
		}
		c.Bars = append(c.Bars, web.Bar{Name: loc.T("ent.risk." + g), Color: "r-" + g, Data: data})
	}
	return c.Option()
}

// scopeDepth is 1 for a district-wide scope, 2 for a town, 3 for a village.
func scopeDepth(p *auth.Principal) int { return len(auth.PathIDs(p.Scope.Path)) }
