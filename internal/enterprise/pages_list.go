package enterprise

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// listView is the enterprise list page's data.
type listView struct {
	web.ListPage
	Chips      []colorChip // green, yellow, red with the counts of the other filters
	AllCount   int         // every color
	AllURL     string      // the list with no color filter
	Towns      []Choice    // the towns in scope; the town filter shows when there are several
	Industries []string
	ShowTown   bool

	// The filters as typed, for the form.
	Status, Industry, TownID, Scale, Grade, Due, Flagged, QText string

	Items    []Enterprise
	CanWrite bool
	Filtered bool
	Now      time.Time
}

// colorChip is one color of the chip row: its count under the other filters, whether
// it is selected, and the list with it toggled.
type colorChip struct {
	Color  string
	Count  int
	On     bool
	Toggle string
}

// listPage is the registry (/enterprises); an enterprise's account goes to its own file.
func (m *Module) listPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if p.Scope.EnterpriseID != nil { // an enterprise's account has one file: its own
			http.Redirect(w, r, "/enterprises/"+p.Scope.EnterpriseID.String(), http.StatusSeeOther)
			return nil
		}
		var f Filter
		worstFirst := Sorting // the page opens with the red ones
		worstFirst.Default = "-color"
		lp, l, err := web.ParseListPage(r, worstFirst, &f)
		if err != nil {
			return err
		}
		v := listView{ListPage: l, Status: f.Status, Industry: f.Industry, TownID: idText(f.TownID), Scale: f.Scale,
			Grade: f.StandardGrade, QText: f.Q, CanWrite: p.Can(PermWrite), Filtered: l.Filtered(), Now: m.Clock.Now()}
		if f.DueWithinDays != nil {
			v.Due = strings.TrimSpace(r.URL.Query().Get("due_within_days"))
		}
		if f.Flagged != nil && *f.Flagged {
			v.Flagged = "true"
		}
		if v.Towns, err = m.Towns(ctx, p.Scope); err != nil {
			return err
		}
		v.ShowTown = len(v.Towns) > 1
		if v.Industries, err = m.Industries(ctx, p.Scope); err != nil {
			return err
		}
		if err := m.colorChips(ctx, p, f, &v); err != nil {
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

// colorChips counts the enterprises of each color under the list's other filters (one
// grouped query) and builds the chips' toggle links.
func (m *Module) colorChips(ctx context.Context, p *auth.Principal, f Filter, v *listView) error {
	selected := f.Color
	f.Color = nil
	counts, err := m.colorCounts(ctx, p, f)
	if err != nil {
		return err
	}
	q := cloneValues(v.Export)
	q.Del("color")
	v.AllURL = "/enterprises?" + q.Encode()
	for _, c := range []string{Green, Yellow, Red} {
		on := slices.Contains(selected, c)
		next := []string{}
		for _, x := range []string{Green, Yellow, Red} {
			if slices.Contains(selected, x) != (x == c) {
				next = append(next, x)
			}
		}
		tq := cloneValues(q)
		if len(next) > 0 {
			tq.Set("color", strings.Join(next, ","))
		}
		v.Chips = append(v.Chips, colorChip{Color: c, Count: counts[c], On: on, Toggle: "/enterprises?" + tq.Encode()})
		v.AllCount += counts[c]
	}
	return nil
}

// colorCounts counts the enterprises in the caller's scope matching f per color.
func (m *Module) colorCounts(ctx context.Context, p *auth.Principal, f Filter) (map[string]int, error) {
	w, err := m.where(ctx, p, f, m.Clock.Now())
	if err != nil {
		return nil, err
	}
	return m.countBy(ctx, `SELECT e.color, COUNT(*) FROM enterprises e`+w.SQL()+` GROUP BY e.color`, w.Args()...)
}

// countBy runs a query answering (key, count) rows.
func (m *Module) countBy(ctx context.Context, query string, args ...any) (map[string]int, error) {
	rows, err := m.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// cloneValues copies a query.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// hasAny reports whether p holds one of roles.
func hasAny(p *auth.Principal, roles ...auth.Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}
