package enforcement

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// ConstraintRow is one red enterprise of the joint-constraint list (联合惩戒名单) other
// agencies read: who, where, since when each measure applies, and why.
type ConstraintRow struct {
	EnterpriseID db.ID                   `json:"enterprise_id"`
	Name         string                  `json:"name"`
	CreditCode   string                  `json:"credit_code"`
	Industry     string                  `json:"industry"`
	TownName     string                  `json:"town_name"`
	Color        string                  `json:"color"`
	Since        time.Time               `json:"since"`
	Measures     []enterprise.Constraint `json:"measures"`
	Reasons      []enterprise.Reason     `json:"reasons"`
	ReasonText   string                  `json:"reason_text" jsonschema:"description=the reasons as one text, for files"`
}

// ConstraintFilter selects rows of the list.
type ConstraintFilter struct {
	Measure  string `query:"measure" enum:"licensing,project_approval,credit,insurance,awards" doc:"only enterprises under this measure"`
	Industry string `query:"industry"`
	TownID   *db.ID `query:"town_id"`
	Q        string `query:"q" doc:"name or credit code contains"`
}

var constraintSorting = api.Sorting{
	Columns:  map[string]string{"name": "e.name", "since": "e.color_since", "credit_code": "e.credit_code"},
	Default:  "-since",
	Tiebreak: "e.id",
}

var constraintExport = api.Export[ConstraintRow]{Name: "enterprise.export_constraints", Columns: []api.Column[ConstraintRow]{
	{Header: "enterprise.field.name", Value: func(r ConstraintRow) any { return r.Name }, Width: 30},
	{Header: "enterprise.field.credit_code", Value: func(r ConstraintRow) any { return r.CreditCode }, Width: 22},
	{Header: "enterprise.field.industry", Value: func(r ConstraintRow) any { return i18n.Industry(r.Industry) }, Width: 14},
	// The list goes to other agencies, whose systems match on the code.
	{Header: "enterprise.field.industry_code", Value: func(r ConstraintRow) any { return r.Industry }, Width: 18},
	{Header: "enterprise.field.town", Value: func(r ConstraintRow) any { return r.TownName }, Width: 12},
	{Header: "enterprise.field.red_since", Value: func(r ConstraintRow) any { return r.Since }, Width: 17},
	{Header: "enterprise.measure.licensing", Value: func(r ConstraintRow) any { return measureSince(r, "licensing") }, Width: 17},
	{Header: "enterprise.measure.project_approval", Value: func(r ConstraintRow) any { return measureSince(r, "project_approval") }, Width: 17},
	{Header: "enterprise.measure.credit", Value: func(r ConstraintRow) any { return measureSince(r, "credit") }, Width: 17},
	{Header: "enterprise.measure.insurance", Value: func(r ConstraintRow) any { return measureSince(r, "insurance") }, Width: 17},
	{Header: "enterprise.measure.awards", Value: func(r ConstraintRow) any { return measureSince(r, "awards") }, Width: 17},
	{Header: "enterprise.field.reasons", Value: func(r ConstraintRow) any { return r.ReasonText }, Width: 60},
}}

func measureSince(r ConstraintRow, measure string) any {
	for _, c := range r.Measures {
		if c.Measure == measure {
			return c.BeganAt
		}
	}
	return nil
}

// ListConstraints calls each for the red enterprises in the caller's scope with the
// measures in force on them. The measures of a page come in one more query.
func (m *Module) ListConstraints(ctx context.Context, p *auth.Principal, f ConstraintFilter, lp api.ListParams, each func(ConstraintRow) error) (int, error) {
	var w db.Where
	enterprise.ScopeWhere(&w, p.Scope)
	w.Add("e.color = 'red'")
	w.Add("EXISTS (SELECT 1 FROM enterprise_constraints c WHERE c.enterprise_id = e.id AND c.ended_at IS NULL)")
	if f.Measure != "" {
		w.Add("EXISTS (SELECT 1 FROM enterprise_constraints c WHERE c.enterprise_id = e.id AND c.ended_at IS NULL AND c.measure = ?)", f.Measure)
	}
	w.Eq("e.industry", f.Industry)
	w.Eq("e.town_id", f.TownID)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "e.name", "e.credit_code"))
	lq := api.ListQuery{Select: `SELECT e.id, e.name, e.credit_code, e.industry, t.name, e.color, e.color_since, e.color_reasons
		FROM enterprises e JOIN orgs t ON t.id = e.town_id`, Count: `FROM enterprises e`, Where: w, Sorting: constraintSorting}
	loc := i18n.FromContext(ctx)
	// Rows go out in chunks whose measures come in one query each (on another pooled
	// connection while this cursor stays open), so an export of any length keeps bounded
	// memory and a page is two queries.
	chunk := make([]ConstraintRow, 0, 500)
	flush := func() error {
		if err := m.attachMeasures(ctx, chunk); err != nil {
			return err
		}
		for _, r := range chunk {
			if err := each(r); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	total, err := api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (ConstraintRow, error) {
		var r ConstraintRow
		var reasons string
		if err := s.Scan(&r.EnterpriseID, &r.Name, &r.CreditCode, &r.Industry, &r.TownName, &r.Color, &r.Since, &reasons); err != nil {
			return r, err
		}
		r.Reasons = enterprise.ReadReasons(loc, reasons)
		for i, rs := range r.Reasons {
			if i > 0 {
				r.ReasonText += "；"
			}
			r.ReasonText += rs.Text
		}
		r.Measures = []enterprise.Constraint{}
		return r, nil
	}, func(r ConstraintRow) error {
		if chunk = append(chunk, r); len(chunk) == cap(chunk) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, flush()
}

func (m *Module) attachMeasures(ctx context.Context, rows []ConstraintRow) error {
	if len(rows) == 0 {
		return nil
	}
	idx := map[db.ID]int{}
	args := make([]any, len(rows))
	for i, r := range rows {
		idx[r.EnterpriseID] = i
		args[i] = r.EnterpriseID
	}
	rs, err := m.DB.Query(ctx, `SELECT enterprise_id, measure, began_at FROM enterprise_constraints
		WHERE ended_at IS NULL AND enterprise_id IN (`+db.Placeholders(len(args))+`) ORDER BY id`, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var id db.ID
		var c enterprise.Constraint
		if err := rs.Scan(&id, &c.Measure, &c.BeganAt); err != nil {
			return err
		}
		rows[idx[id]].Measures = append(rows[idx[id]].Measures, c)
	}
	return rs.Err()
}

// listIncentives lists the enterprises for incentives (激励名单): green, operating, at
// standardization level 1 or 2, and no penalty in the last 12 months.
func (m *Module) listIncentives(ctx context.Context, _ auth.Scope, f enterprise.Filter, lp api.ListParams, each func(enterprise.Enterprise) error) (int, error) {
	f.Color = []string{enterprise.Green}
	f.Status = "operating"
	p := auth.FromContext(ctx)
	since := m.Clock.Now().AddDate(-1, 0, 0)
	return m.Registry.ListWhere(ctx, p, f, lp, each, func(w *db.Where) {
		w.Add("e.standard_grade IN ('level1', 'level2')")
		w.Add(`NOT EXISTS (SELECT 1 FROM enforcement_actions a WHERE a.enterprise_id = e.id
			AND a.kind IN ('penalty', 'max_penalty') AND a.decided_at >= ?)`, since)
	})
}
