package enforcement

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// constraintsView is the joint-constraint list (联合惩戒名单): the red enterprises in
// scope with the measures in force, since when, and why. Other agencies take the same
// list as a file or as JSON (the export links).
type constraintsView struct {
	web.ListPage
	Items      []ConstraintRow
	Towns      []enterprise.Choice
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
		v := constraintsView{ListPage: l, Measures: enterprise.Measures, Filtered: l.Filtered(),
			Measure: f.Measure, Industry: f.Industry, TownID: idText(f.TownID), QText: f.Q}
		if v.Towns, err = m.Registry.Towns(ctx, p.Scope); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		if v.Industries, err = m.Registry.Industries(ctx, p.Scope); err != nil {
			return err
		}
		total, err := m.ListConstraints(ctx, p, f, lp, web.Collect(&v.Items))
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
	Items      []enterprise.Enterprise
	Towns      []enterprise.Choice
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
		var f enterprise.Filter
		lp, l, err := web.ParseListPage(r, enterprise.Sorting, &f)
		if err != nil {
			return err
		}
		v := incentivesView{ListPage: l, Filtered: l.Filtered(),
			Industry: f.Industry, TownID: idText(f.TownID), QText: f.Q}
		if v.Towns, err = m.Registry.Towns(ctx, p.Scope); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		if v.Industries, err = m.Registry.Industries(ctx, p.Scope); err != nil {
			return err
		}
		total, err := m.listIncentives(ctx, p.Scope, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.incentives, v)
	}
}

// idText is the decimal form of an optional id, or "".
func idText(id *db.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}
