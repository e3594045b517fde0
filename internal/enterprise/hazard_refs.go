package enterprise

import (
	"context"
	"strings"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// FindEnterprises implements hazard.Enterprises: the enterprises a hazard of one
// village (or community) may name, for the report and assign forms' enterprise field.
// Closed enterprises are left out; the enterprises of the hazard's grid come first, then
// by name. One query (the village's path is an index range).
func (m *Module) FindEnterprises(ctx context.Context, sc auth.Scope, s hazard.EnterpriseSearch) ([]hazard.EnterpriseRef, bool, error) {
	if s.Path == "" || s.Limit <= 0 {
		return nil, false, nil
	}
	var w db.Where
	ScopeWhere(&w, sc)
	w.Add("e.org_path = ?", s.Path)
	w.Add("e.status <> 'closed'")
	if q := strings.TrimSpace(s.Q); q != "" {
		// Case-insensitive: people type credit codes in lower case too.
		w.AddCond(m.DB.Engine().ContainsAny(q, "e.name", "e.credit_code"))
	}
	rows, err := m.DB.Query(ctx, `SELECT e.id, e.name, e.credit_code, e.grid_id, g.name, e.industry, e.org_path
		FROM enterprises e JOIN grids g ON g.id = e.grid_id`+w.SQL()+`
		ORDER BY CASE WHEN e.grid_id = ? THEN 0 ELSE 1 END, e.name, e.id LIMIT ?`, append(w.Args(), s.Grid, s.Limit+1)...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []hazard.EnterpriseRef
	for rows.Next() {
		var r hazard.EnterpriseRef
		if err := rows.Scan(&r.ID, &r.Name, &r.CreditCode, &r.GridID, &r.GridName, &r.Industry, &r.Path); err != nil {
			return nil, false, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > s.Limit {
		return out[:s.Limit], true, nil
	}
	return out, false, nil
}
