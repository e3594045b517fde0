package enterprise

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// Constraint is one joint-constraint measure (联合惩戒) in force on a red enterprise:
// the color opens one per Measures on turning red and ends them on leaving red (see
// apply); the enforcement capability lists them for other agencies.
type Constraint struct {
	Measure string    `json:"measure" jsonschema:"enum=licensing,enum=project_approval,enum=credit,enum=insurance,enum=awards"`
	BeganAt time.Time `json:"began_at"`
}

// activeConstraints returns the measures in force on an enterprise, oldest first.
func (m *Module) activeConstraints(ctx context.Context, q db.Querier, id db.ID) ([]Constraint, error) {
	rows, err := q.Query(ctx, `SELECT measure, began_at FROM enterprise_constraints WHERE enterprise_id = ? AND ended_at IS NULL ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Constraint{}
	for rows.Next() {
		var c Constraint
		if err := rows.Scan(&c.Measure, &c.BeganAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
