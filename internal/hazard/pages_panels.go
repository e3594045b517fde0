package hazard

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Home panels of the hazard loop, one per kind of user: the district (leaders, the
// safety office, departments, readers) sees the three clears and the open and overdue
// hazards per town; a town its figures and what is overdue; a patroller a big "report"
// button and their recent reports; an enterprise what it must rectify, by deadline.

// panelListSize is how many hazards a panel lists.
const panelListSize = 10

func (m *Module) panels(s *web.Site) {
	parse := func(file string) *template.Template { return parse(s, file, "templates/parts.html") }
	s.AddPanel(web.Panel{Order: 5,
		Visible: func(p *auth.Principal) bool {
			return scopeDepth(p) == 1 && hasAny(p, auth.Leader, auth.SafetyOffice, auth.Admin, auth.Reader, auth.Department)
		},
		Template: parse("templates/panel_district.html"),
		Data:     m.districtPanel,
	})
	s.AddPanel(web.Panel{Order: 5,
		Visible: func(p *auth.Principal) bool {
			return scopeDepth(p) == 2 && hasAny(p, auth.Town, auth.Leader, auth.Reader)
		},
		Template: parse("templates/panel_town.html"),
		Data:     m.townPanel,
	})
	s.AddPanel(web.Panel{Order: 4,
		Visible:  func(p *auth.Principal) bool { return hasAny(p, auth.Patroller, auth.Village) && p.Can(PermReport) },
		Template: parse("templates/panel_reporter.html"),
		Data:     m.reporterPanel,
	})
	s.AddPanel(web.Panel{Order: 4,
		Visible:  func(p *auth.Principal) bool { return p.Has(auth.Enterprise) },
		Template: parse("templates/panel_enterprise.html"),
		Data:     m.enterprisePanel,
	})
}

// clearsPanel is the three clears of the caller's scope, with links into the list.
type clearsPanel struct {
	Clears Clears
	Q      url.Values // the list filter the tiles' links add to (none: the whole scope)
}

// districtPanelData adds the open and overdue hazards per town, as a chart.
type districtPanelData struct {
	clearsPanel
	Towns int
	Chart map[string]any // an ECharts option
}

func (m *Module) districtPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	res, err := m.Stats(ctx, p, StatsParams{Group: "town"})
	if err != nil {
		return nil, err
	}
	towns, err := m.placeChoices(ctx, p.Scope, "town", nil)
	if err != nil {
		return nil, err
	}
	byTown := map[string]Clears{}
	for _, g := range res.Groups {
		byTown[g.Key] = g.Clears
	}
	names := make([]string, len(towns))
	open := make([]map[string]any, len(towns))
	overdue := make([]map[string]any, len(towns))
	for i, t := range towns {
		c := byTown[t.ID.String()]
		names[i] = t.Name
		if t.Note != "" {
			names[i] = t.Note
		}
		open[i] = map[string]any{"value": c.Open - c.Overdue, "id": t.ID.String()}
		overdue[i] = map[string]any{"value": c.Overdue, "id": t.ID.String()}
	}
	return districtPanelData{clearsPanel: clearsPanel{Clears: res.Clears, Q: url.Values{}}, Towns: len(towns),
		Chart: townChart(i18n.FromContext(ctx), names, open, overdue)}, nil
}

// townChart is the ECharts option of the open-hazards-per-town bar chart: open hazards
// within their deadline and overdue ones stacked; a click opens the town's open hazards.
func townChart(loc i18n.Localizer, names []string, open, overdue []map[string]any) map[string]any {
	return web.BarChart{Categories: names, Stack: "hazards", ClickBase: "/hazards?open=true&town_id=", Bars: []web.Bar{
		{Name: loc.T("hazard.chart.open_in_time"), Color: "brand", Data: open},
		{Name: loc.T("hazard.chart.overdue"), Color: "red", Data: overdue},
	}}.Option()
}

// townPanelData adds the town's overdue hazards, the most overdue first.
type townPanelData struct {
	clearsPanel
	Overdue      []Hazard
	OverdueTotal int
}

func (m *Module) townPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	res, err := m.Stats(ctx, p, StatsParams{})
	if err != nil {
		return nil, err
	}
	d := townPanelData{clearsPanel: clearsPanel{Clears: res.Clears, Q: url.Values{}}}
	yes := true
	d.OverdueTotal, err = m.List(ctx, p, Filter{Overdue: &yes}, api.ListParams{Page: 1, PerPage: panelListSize, Sort: "deadline"},
		func(h Hazard) error { d.Overdue = append(d.Overdue, h); return nil })
	return d, err
}

// listPanelData is a short list of hazards with the total behind it.
type listPanelData struct {
	Items []Hazard
	Total int
	Me    string // the caller's user id, for the link to all of their reports
}

// reporterPanel lists the caller's latest reports (what they must rectify is on the
// to-do card, not here).
func (m *Module) reporterPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d listPanelData
	var err error
	d.Total, err = m.List(ctx, p, Filter{FoundBy: &p.UserID}, api.ListParams{Page: 1, PerPage: 5, Sort: "-found_at"},
		func(h Hazard) error { d.Items = append(d.Items, h); return nil })
	d.Me = p.UserID.String()
	return d, err
}

// enterprisePanel lists the open hazards the caller must rectify, the nearest deadline
// first.
func (m *Module) enterprisePanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d listPanelData
	yes := true
	var err error
	d.Total, err = m.List(ctx, p, Filter{OwnerID: &p.UserID, Open: &yes}, api.ListParams{Page: 1, PerPage: panelListSize, Sort: "deadline"},
		func(h Hazard) error { d.Items = append(d.Items, h); return nil })
	return d, err
}
