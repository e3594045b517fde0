package hazard

import (
	"context"
	"net/http"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// listView is the hazard list page's data.
type listView struct {
	web.ListPage
	Clears     Clears
	Towns      []Choice // the towns in scope; the town filter shows when there are several
	Villages   []Choice // the villages of the chosen town (or of the caller's only town)
	Industries []string // industry codes the caller may filter by
	Statuses   []Status
	Categories []string
	Sources    []string
	Leaders    []Choice // the leaders who list hazards of the scope for supervision (挂牌督办)

	// The filters as typed, for the form.
	Status                           []string
	TownID, VillageID, EnterpriseID  string
	Grade, Overdue, Source, Category string
	Industry, Mine, QText            string
	ListingLeaderID                  string
	FoundFrom, FoundTo               string
	Chips                            []chip
	Items                            []Hazard
	CanReport, ShowTown, Filtered    bool
	Now                              time.Time
}

// chip is an active filter the form has no field for (it came with a link: a panel's
// tile, a notice); it shows with a link that removes it.
type chip struct {
	Label  string
	Remove string // the list's query without this filter
}

func (m *Module) listPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f Filter
		lp, l, err := web.ParseListPage(r, sorting, &f)
		if err != nil {
			return err
		}
		v := listView{ListPage: l, Statuses: Statuses, Categories: Categories, Sources: Sources, Now: m.Clock.Now(),
			Status: f.Status, Grade: f.Grade, Source: f.Source, Category: f.Category, Industry: f.Industry, QText: f.Q,
			TownID: idText(f.TownID), VillageID: idText(f.VillageID), EnterpriseID: idText(f.EnterpriseID),
			Overdue: boolText(f.Overdue), Mine: boolText(f.Mine), CanReport: p.Can(PermReport), Filtered: len(l.Export) > 0,
			ListingLeaderID: idText(f.ListingLeaderID)}
		if f.FoundFrom != nil {
			v.FoundFrom = clock.DateText(*f.FoundFrom)
		}
		if f.FoundTo != nil {
			v.FoundTo = clock.DateText(*f.FoundTo)
		}
		if v.Towns, err = m.placeChoices(ctx, p.Scope, "town", nil); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		switch {
		case f.TownID != nil && v.ShowTown:
			v.Villages, err = m.placeChoices(ctx, p.Scope, "village", f.TownID)
		case !v.ShowTown:
			v.Villages, err = m.placeChoices(ctx, p.Scope, "village", nil)
		}
		if err != nil {
			return err
		}
		if v.Industries, err = m.Industries(ctx, p.Scope); err != nil {
			return err
		}
		if v.Leaders, err = m.listingLeaders(ctx, p); err != nil {
			return err
		}
		v.Chips = chips(i18n.FromContext(ctx), p, &v.ListPage, f)
		if v.Clears, err = m.statsOf(r, p, f); err != nil {
			return err
		}
		total, err := m.List(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.list, v)
	}
}

// statsOf computes the three clears of the list's filter.
func (m *Module) statsOf(r *http.Request, p *auth.Principal, f Filter) (Clears, error) {
	res, err := m.Stats(r.Context(), p, StatsParams{Filter: f})
	return res.Clears, err
}

// chips lists the active filters that have no field in the form.
func chips(loc i18n.Localizer, p *auth.Principal, l *web.ListPage, f Filter) []chip {
	var out []chip
	add := func(param, label string) {
		q := cloneValues(l.Export)
		q.Del(param)
		out = append(out, chip{Label: label, Remove: "/hazards?" + q.Encode()})
	}
	if f.Open != nil {
		add("open", loc.T(map[bool]string{true: "hazard.chip.open", false: "hazard.chip.closed"}[*f.Open]))
	}
	if f.Listed != nil && *f.Listed {
		add("listed", loc.T("hazard.chip.listed"))
	}
	if f.OwnerID != nil {
		key := "hazard.chip.owner"
		if *f.OwnerID == p.UserID {
			key = "hazard.chip.owner_me"
		}
		add("owner_id", loc.T(key))
	}
	if f.SupervisorID != nil {
		key := "hazard.chip.supervisor"
		if *f.SupervisorID == p.OrgID {
			key = "hazard.chip.supervisor_mine"
		}
		add("supervisor_org_id", loc.T(key))
	}
	if f.FoundBy != nil {
		key := "hazard.chip.found_by"
		if *f.FoundBy == p.UserID {
			key = "hazard.chip.found_by_me"
		}
		add("found_by", loc.T(key))
	}
	if f.GridID != nil {
		add("grid_id", loc.T("hazard.chip.grid"))
	}
	if f.EnterpriseID != nil {
		add("enterprise_id", loc.T("hazard.chip.enterprise"))
	}
	if f.DeadlineTo != nil {
		add("deadline_to", loc.T("hazard.chip.deadline_to", "date", clock.DateText(*f.DeadlineTo)))
	}
	return out
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "true"
	}
	return "false"
}

// listingLeaders lists the leaders who list at least one hazard of p's scope for
// supervision, by name: the list's listing-leader filter. Few hazards are listed, and
// the partial index on listing_leader_id holds just those.
func (m *Module) listingLeaders(ctx context.Context, p *auth.Principal) ([]Choice, error) {
	var w db.Where
	scopeWhere(&w, p.Scope)
	w.Add("h.listing_leader_id IS NOT NULL")
	return web.NamedChoices(ctx, m.DB, func(id db.ID, name string) Choice { return Choice{ID: id, Name: name} },
		`SELECT pe.id, pe.name FROM people pe WHERE pe.id IN (SELECT h.listing_leader_id FROM hazards h`+w.SQL()+`)
		ORDER BY pe.name, pe.id`, w.Args()...)
}
