package demo

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// nextID returns the largest id of table, so rows get the ids after it.
func (b *builder) nextID(ctx context.Context, table string) (int64, error) {
	var last int64
	err := b.tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last)
	return last, err
}

// syncIDs moves PostgreSQL's identity sequence of table past the ids given by the demo.
func (b *builder) syncIDs(ctx context.Context, table string) error {
	if b.tx.Engine() != db.Postgres {
		return nil
	}
	_, err := b.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`)
	return err
}

// storeEnterprises inserts the enterprises green, as registered; the colors step runs the
// rules. Their next inspection is what the rules give a green enterprise never inspected
// (a year after registration), so the rules have nothing to write for those that stay
// green.
func (b *builder) storeEnterprises(ctx context.Context, ents []*Enterprise, rs enterprise.RuleSet) error {
	last, err := b.nextID(ctx, "enterprises")
	if err != nil {
		return err
	}
	months := rs.InspectionMonths[enterprise.Green]
	if months == 0 {
		months = enterprise.DefaultRules().InspectionMonths[enterprise.Green]
	}
	rows := make([][]any, len(ents))
	for i, e := range ents {
		e.ID = db.ID(last + int64(i) + 1)
		e.Color, e.ColorSince = enterprise.Green, e.Created
		v := e.Village()
		rows[i] = []any{e.ID, e.Name, e.CreditCode, e.Industry, e.Grid.ID, v.Path, v.Town.ID, e.Address, e.Scale, e.LegalRep,
			e.SafetyManager, e.Phone, e.StandardGrade, e.Status, enterprise.Green, e.Created, "[]", rs.Version,
			e.Created.UTC().AddDate(0, months, 0), false, e.Created, e.Created}
	}
	cols := []string{"id", "name", "credit_code", "industry", "grid_id", "org_path", "town_id", "address", "scale", "legal_rep",
		"safety_manager", "safety_phone", "standard_grade", "status", "color", "color_since", "color_reasons", "color_rule_version",
		"next_inspection_at", "closure_flagged", "created_at", "updated_at"}
	if err := b.insertRows(ctx, "enterprises", cols, rows, "", nil); err != nil {
		return err
	}
	return b.syncIDs(ctx, "enterprises")
}

// storeRiskPoints inserts every enterprise's risk points.
func (b *builder) storeRiskPoints(ctx context.Context, ents []*Enterprise) error {
	last, err := b.nextID(ctx, "risk_points")
	if err != nil {
		return err
	}
	var rows [][]any
	for _, e := range ents {
		for _, r := range e.risks {
			last++
			r.id = db.ID(last)
			created := e.Created.Add(time.Duration(r.index+1) * time.Hour)
			t := r.tpl
			rows = append(rows, []any{r.id, e.ID, t.name, t.place, t.factors, t.accidents, t.measures, r.responsible,
				r.grade, r.controlsOK, r.checked, created, r.checked})
		}
	}
	cols := []string{"id", "enterprise_id", "name", "place", "hazard_factors", "accident_types", "control_measures", "responsible",
		"grade", "controls_ok", "checked_at", "created_at", "updated_at"}
	if err := b.insertRows(ctx, "risk_points", cols, rows, "", nil); err != nil {
		return err
	}
	return b.syncIDs(ctx, "risk_points")
}
