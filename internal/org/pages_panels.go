package org

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Home panels of the organization capability: the district at a glance for district-level
// users, the town's villages for a town, and "my grids" for patrollers and villages.

// scopeDepth is 1 for a district-wide scope, 2 for a town, 3 for a village.
func scopeDepth(p *auth.Principal) int { return len(auth.PathIDs(p.Scope.Path)) }

func hasAny(p *auth.Principal, roles ...auth.Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

func (m *Module) panels(s *web.Site) {
	s.AddPanel(web.Panel{Order: 10,
		Visible: func(p *auth.Principal) bool {
			return scopeDepth(p) == 1 && hasAny(p, auth.Leader, auth.SafetyOffice, auth.Admin, auth.Reader, auth.Department)
		},
		Template: s.MustParse(templates, "templates/panel_district.html"),
		Data:     m.districtPanel,
	})
	s.AddPanel(web.Panel{Order: 10,
		Visible: func(p *auth.Principal) bool {
			return scopeDepth(p) == 2 && hasAny(p, auth.Town, auth.Leader, auth.Reader)
		},
		Template: s.MustParse(templates, "templates/panel_town.html"),
		Data:     m.townPanel,
	})
	s.AddPanel(web.Panel{Order: 10,
		Visible:  func(p *auth.Principal) bool { return hasAny(p, auth.Patroller, auth.Village) && scopeDepth(p) >= 2 },
		Template: s.MustParse(templates, "templates/panel_mygrids.html"),
		Data:     m.myGridsPanel,
	})
}

// gridFigures are the grid counts of a scope.
type gridFigures struct {
	Towns, Villages, Grids, Unpatrolled, Patrollers int
}

// figures counts the grids of a scope: all, without a patroller, and distinct patrollers,
// plus the villages; one query each.
func (m *Module) figures(ctx context.Context, sc auth.Scope) (gridFigures, error) {
	var f gridFigures
	cond, args := sc.PathCond("g.org_path")
	var with int
	err := m.DB.QueryRow(ctx, `SELECT COUNT(*), COUNT(g.patroller_id), COUNT(DISTINCT g.patroller_id) FROM grids g WHERE `+cond, args...).
		Scan(&f.Grids, &with, &f.Patrollers)
	if err != nil {
		return f, err
	}
	f.Unpatrolled = f.Grids - with
	f.Villages, err = m.ListOrgs(ctx, sc, OrgFilter{Kind: KindVillage}, api.ListParams{Page: 1, PerPage: 1, Sort: "code"}, func(Org) error { return nil })
	return f, err
}

// gridCount is the number of grids of one org, and how many lack a patroller.
type gridCount struct{ Grids, Unpatrolled int }

// gridCountsBy groups a scope's grids by their town (byTown) or village, in one query.
func (m *Module) gridCountsBy(ctx context.Context, sc auth.Scope, byTown bool) (map[db.ID]gridCount, error) {
	key := "g.village_id"
	if byTown {
		key = "v.parent_id"
	}
	cond, args := sc.PathCond("g.org_path")
	rows, err := m.DB.Query(ctx, `SELECT `+key+`, COUNT(*), COUNT(g.patroller_id) FROM grids g JOIN orgs v ON v.id = g.village_id
		WHERE `+cond+` GROUP BY `+key, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[db.ID]gridCount{}
	for rows.Next() {
		var id db.ID
		var n, with int
		if err := rows.Scan(&id, &n, &with); err != nil {
			return nil, err
		}
		out[id] = gridCount{Grids: n, Unpatrolled: n - with}
	}
	return out, rows.Err()
}

// districtPanelData is the district panel: figures and the grids-per-town chart.
type districtPanelData struct {
	gridFigures
	Chart map[string]any // an ECharts option
}

func (m *Module) districtPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	sc := auth.FromContext(ctx).Scope
	var d districtPanelData
	var err error
	if d.gridFigures, err = m.figures(ctx, sc); err != nil {
		return nil, err
	}
	var towns []Org
	if _, err := m.ListOrgs(ctx, sc, OrgFilter{Kind: KindTown}, api.ListParams{Sort: "code"}, func(o Org) error {
		towns = append(towns, o)
		return nil
	}); err != nil {
		return nil, err
	}
	d.Towns = len(towns)
	counts, err := m.gridCountsBy(ctx, sc, true)
	if err != nil {
		return nil, err
	}
	loc := i18n.FromContext(ctx)
	names := make([]string, len(towns))
	with := make([]map[string]any, len(towns))
	without := make([]map[string]any, len(towns))
	for i, t := range towns {
		c := counts[t.ID]
		names[i] = t.Name
		if t.ShortName != "" {
			names[i] = t.ShortName
		}
		with[i] = map[string]any{"value": c.Grids - c.Unpatrolled, "id": t.ID.String()}
		without[i] = map[string]any{"value": c.Unpatrolled, "id": t.ID.String()}
	}
	d.Chart = townChart(loc, names, with, without)
	return d, nil
}

// townChart is the ECharts option of the grids-per-town bar chart: grids with and
// without a patroller stacked; a click opens the town.
func townChart(loc i18n.Localizer, names []string, with, without []map[string]any) map[string]any {
	return web.BarChart{Categories: names, Stack: "grids", ClickBase: "/orgs/", Bars: []web.Bar{
		{Name: loc.T("org.has_patroller"), Color: "brand", Data: with},
		{Name: loc.T("org.no_patroller"), Color: "c-yellow", Data: without},
	}}.Option()
}

// townPanelData is the town panel: the town's figures and its villages.
type townPanelData struct {
	gridFigures
	Town Org
	Rows []villageRow // the villages with their grid counts
}

// villageRow is one village of the town panel's table.
type villageRow struct {
	Org Org
	gridCount
}

func (m *Module) townPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	sc := auth.FromContext(ctx).Scope
	var d townPanelData
	id, _ := rootID(sc)
	var err error
	if d.Town, err = m.GetOrg(ctx, m.DB, sc, id); err != nil {
		return nil, err
	}
	if d.gridFigures, err = m.figures(ctx, sc); err != nil {
		return nil, err
	}
	counts, err := m.gridCountsBy(ctx, sc, false)
	if err != nil {
		return nil, err
	}
	_, err = m.ListOrgs(ctx, sc, OrgFilter{Kind: KindVillage}, api.ListParams{Sort: "code"}, func(o Org) error {
		d.Rows = append(d.Rows, villageRow{Org: o, gridCount: counts[o.ID]})
		return nil
	})
	return d, err
}

// myGridsData is the "my grids" panel: the grids a patroller patrols, or else the grids
// of the caller's village.
type myGridsData struct {
	Grids []Grid
	Total int
	Mine  bool // the grids are the ones the caller patrols
}

// myGridsLimit is how many grids the panel lists.
const myGridsLimit = 30

func (m *Module) myGridsPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d myGridsData
	add := func(g Grid) error { d.Grids = append(d.Grids, g); return nil }
	lp := api.ListParams{Page: 1, PerPage: myGridsLimit, Sort: "code"}
	var err error
	if p.PersonID != nil {
		if d.Total, err = m.ListGrids(ctx, p.Scope, GridFilter{PatrollerID: p.PersonID}, lp, add); err != nil {
			return nil, err
		}
		d.Mine = d.Total > 0
	}
	if d.Total == 0 {
		d.Total, err = m.ListGrids(ctx, p.Scope, GridFilter{}, lp, add)
	}
	return d, err
}
