package enterprise

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// constraintsView is the joint-constraint list (联合惩戒名单): the red enterprises in
// scope with the measures in force, since when, and why. Other agencies take the same
// list as a file or as JSON (the export links).
type constraintsView struct {
	web.ListPage
	Items      []ConstraintRow
	Towns      []choice
	Industries []string
	Measures   []string
	ShowTown   bool
	Filtered   bool

	Measure, Industry, TownID, QText string
}

// constraintsPage lists the red enterprises with the measures in force (/constraints).
func (m *Module) constraintsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f ConstraintFilter
		lp, l, err := web.ParseListPage(r, constraintSorting, &f)
		if err != nil {
			return err
		}
		v := constraintsView{ListPage: l, Measures: Measures, Filtered: l.Filtered(),
			Measure: f.Measure, Industry: f.Industry, TownID: idText(f.TownID), QText: f.Q}
		if v.Towns, err = m.towns(ctx, p.Scope); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		if v.Industries, err = m.Hazards.Industries(ctx, p.Scope); err != nil {
			return err
		}
		total, err := m.ListConstraints(ctx, p, f, lp, func(c ConstraintRow) error {
			v.Items = append(v.Items, c)
			return nil
		})
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.constraints, v)
	}
}

// incentivesView is the incentive list (激励名单): green, operating enterprises at
// standardization level 1 or 2 with no penalty in the last 12 months.
type incentivesView struct {
	web.ListPage
	Items      []Enterprise
	Towns      []choice
	Industries []string
	ShowTown   bool
	Filtered   bool

	Industry, TownID, QText string
}

// incentivesPage lists the enterprises listed for incentives (/incentives).
func (m *Module) incentivesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f Filter
		lp, l, err := web.ParseListPage(r, sorting, &f)
		if err != nil {
			return err
		}
		v := incentivesView{ListPage: l, Filtered: l.Filtered(),
			Industry: f.Industry, TownID: idText(f.TownID), QText: f.Q}
		if v.Towns, err = m.towns(ctx, p.Scope); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		if v.Industries, err = m.Hazards.Industries(ctx, p.Scope); err != nil {
			return err
		}
		total, err := m.listIncentives(ctx, p.Scope, f, lp, func(e Enterprise) error {
			v.Items = append(v.Items, e)
			return nil
		})
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.incentives, v)
	}
}
