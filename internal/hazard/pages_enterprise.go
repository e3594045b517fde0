package hazard

import (
	"context"
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The enterprise field of the report and assign forms: a search box over the
// enterprises of the hazard's village (those of its grid first) by name or credit code,
// and radio choices that htmx reloads as the person types or picks another grid. Without
// JavaScript the choices first shown (the grid's enterprises) still work.

// maxEnterpriseChoices is how many enterprises the field lists at once; typing narrows.
const maxEnterpriseChoices = 8

// enterpriseChoices is the data of the field's choices.
type enterpriseChoices struct {
	Items    []EnterpriseRef
	More     bool   // more match than are listed: type to narrow
	Limit    int    // how many are listed at most (besides the chosen one)
	Q        string // the search as typed
	Selected string // the chosen enterprise's id, "" for none
	NoGrid   bool   // no grid chosen yet: nothing to list
}

// enterpriseChoicesFor lists the choices for a hazard in grid (nil: none chosen yet),
// keeping the selected enterprise first when it may be there.
func (m *Module) enterpriseChoicesFor(ctx context.Context, p *auth.Principal, grid *db.ID, q, selected string) (enterpriseChoices, error) {
	c := enterpriseChoices{Q: strings.TrimSpace(q), NoGrid: grid == nil, Limit: maxEnterpriseChoices}
	if m.Enterprises == nil || grid == nil {
		return c, nil
	}
	var path string
	err := m.DB.QueryRow(ctx, `SELECT org_path FROM grids WHERE id = ?`, *grid).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(path)) {
		c.NoGrid = true
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if c.Items, c.More, err = m.Enterprises.FindEnterprises(ctx, p.Scope, EnterpriseSearch{Path: path, Grid: *grid, Q: c.Q, Limit: maxEnterpriseChoices}); err != nil {
		return c, err
	}
	if id, perr := db.ParseID(selected); perr == nil {
		found := false
		for _, it := range c.Items {
			found = found || it.ID == id
		}
		if !found { // keep the choice made before the search narrowed past it
			ent, err := m.Enterprises.Enterprise(ctx, m.DB, p.Scope, id)
			switch {
			case err == nil && ent.Path == path:
				c.Items = append([]EnterpriseRef{ent}, c.Items...)
				found = true
			case err != nil && !apperr.Is(err, apperr.NotFound):
				return c, err
			}
		}
		if found {
			c.Selected = id.String()
		}
	}
	return c, nil
}

// enterpriseChoicesPage answers the field's choices (htmx): GET
// /hazards/enterprise-choices?grid_id=&ent_q=&enterprise_id=.
func (m *Module) enterpriseChoicesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		var grid *db.ID
		if id, err := db.ParseID(q.Get("grid_id")); err == nil {
			grid = &id
		}
		c, err := m.enterpriseChoicesFor(r.Context(), auth.FromContext(r.Context()), grid, q.Get("ent_q"), q.Get("enterprise_id"))
		if err != nil {
			return err
		}
		return s.Render(w, r, t.entChoices, c)
	}
}
