package enterprise

import (
	"html/template"
	"net/http"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Home panels of three-color management: district users, departments and towns see the
// colors of their enterprises (a donut), those due for inspection and the red ones; an
// enterprise's account sees its own color with the reasons, the constraints it meets,
// what is open and the way to its self-inspection.

// panelListSize is how many enterprises a panel lists.
const panelListSize = 10

// panels adds the home panels: the colors of a district, department or town, and an
// enterprise's own standing.
func (m *Module) panels(s *web.Site) {
	s.AddPanel(web.Panel{Order: 7,
		Visible: func(p *auth.Principal) bool {
			switch scopeDepth(p) {
			case 1:
				return hasAny(p, auth.Leader, auth.SafetyOffice, auth.Admin, auth.Reader, auth.Department)
			case 2:
				return hasAny(p, auth.Town, auth.Leader, auth.Reader)
			}
			return false
		},
		Template: s.MustParse(files, "templates/panel_colors.html"),
		Data:     m.colorsPanel,
	})
	s.AddPanel(web.Panel{Order: 3,
		Visible:  func(p *auth.Principal) bool { return p.Scope.EnterpriseID != nil },
		Template: s.MustParse(files, "templates/panel_portal.html"),
		Data:     m.portalPanel,
	})
}

// colorsPanelData is the colors of the enterprises in scope.
type colorsPanelData struct {
	Counts   map[string]int
	Total    int
	Chart    map[string]any // an ECharts option (a donut)
	Due      []Enterprise   // overdue for inspection, the longest overdue first
	DueTotal int
	Red      []Enterprise // red ones, the most open hazards first
	RedTotal int
	Flagged  int // flagged for a closure proposal
}

// colorsPanel counts the colors in scope and lists the red and the overdue enterprises.
func (m *Module) colorsPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d := colorsPanelData{}
	var err error
	if d.Counts, err = m.colorCounts(ctx, p, Filter{}); err != nil {
		return nil, err
	}
	for _, n := range d.Counts {
		d.Total += n
	}
	d.Chart = colorDonut(i18n.FromContext(ctx), d.Counts, d.Total)
	zero := 0
	d.DueTotal, err = m.List(ctx, p, Filter{DueWithinDays: &zero}, api.ListParams{Page: 1, PerPage: panelListSize, Sort: "next_inspection_at"},
		func(e Enterprise) error { d.Due = append(d.Due, e); return nil })
	if err != nil {
		return nil, err
	}
	d.RedTotal, err = m.List(ctx, p, Filter{Color: []string{Red}}, api.ListParams{Page: 1, PerPage: panelListSize, Sort: "-open_hazards"},
		func(e Enterprise) error { d.Red = append(d.Red, e); return nil })
	if err != nil {
		return nil, err
	}
	yes := true
	d.Flagged, err = m.List(ctx, p, Filter{Flagged: &yes}, api.ListParams{Page: 1, PerPage: 1, Sort: "name"}, func(Enterprise) error { return nil })
	return d, err
}

// colorDonut is the ECharts option of the colors donut: a click on a color opens the
// list of that color.
func colorDonut(loc i18n.Localizer, counts map[string]int, total int) map[string]any {
	d := web.Donut{Total: web.GroupDigits(int64(total)), Label: loc.T("ent.panel.enterprises"), ClickBase: "/enterprises?color="}
	for _, c := range []string{Green, Yellow, Red} {
		d.Slices = append(d.Slices, web.Slice{ID: c, Name: loc.T("enterprise.color." + c), Value: counts[c], Color: "c-" + c})
	}
	return d.Option()
}

// portalPanelData is an enterprise account's own standing.
type portalPanelData struct {
	E        Enterprise
	Measures []Constraint
	Open     int
	Overdue  int
	Nearest  *hazard.Hazard // the open hazard with the nearest deadline
	Months   int            // months between inspections at the enterprise's color
	// Actions and Figures are what other capabilities add (SlotPortalAction: the
	// self-inspection; SlotPortalFigure: the risk points).
	Actions, Figures []template.HTML
}

// portalPanel is an enterprise account's own color, constraints and hazards, with the
// parts other capabilities add.
func (m *Module) portalPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	e, err := m.Get(ctx, m.DB, p, *p.Scope.EnterpriseID, false)
	if err != nil {
		return nil, err
	}
	d := portalPanelData{E: e}
	rs, err := m.CurrentRules(ctx, m.DB)
	if err != nil {
		return nil, err
	}
	d.Months = rs.InspectionMonths[e.Color]
	if d.Measures, err = m.activeConstraints(ctx, m.DB, e.ID); err != nil {
		return nil, err
	}
	yes := true
	d.Open, err = m.Hazards.List(ctx, p, hazard.Filter{EnterpriseID: &e.ID, Open: &yes}, api.ListParams{Page: 1, PerPage: 1, Sort: "deadline"},
		func(h hazard.Hazard) error { d.Nearest = &h; return nil })
	if err != nil {
		return nil, err
	}
	d.Overdue, err = m.Hazards.List(ctx, p, hazard.Filter{EnterpriseID: &e.ID, Overdue: &yes}, api.ListParams{Page: 1, PerPage: 1, Sort: "deadline"},
		func(hazard.Hazard) error { return nil })
	if err != nil {
		return nil, err
	}
	pv := PartView{E: e, Self: true}
	if d.Actions, err = m.renderParts(r, SlotPortalAction, pv); err != nil {
		return nil, err
	}
	d.Figures, err = m.renderParts(r, SlotPortalFigure, pv)
	return d, err
}
